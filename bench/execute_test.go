package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/internal/testutil"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
)

// tinyBench runs testdata/tiny.yaml under the lan and cpu conditions at one rate into
// dir, parallel runs at a time, and returns its report.
func tinyBench(t *testing.T, dir string, parallel int) (*Matrix, *Report) {
	t.Helper()
	m, src, err := LoadMatrix("")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SelectConditions([]string{"lan", "cpu"}); err != nil {
		t.Fatal(err)
	}
	m.Rates = []scenarios.Rate{60}
	if err := Check(m, src); err != nil {
		t.Fatal(err)
	}
	sc, _, err := scenarios.Load("testdata/tiny.yaml")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := Plan(sc, m, src)
	if err != nil {
		t.Fatal(err)
	}
	results, err := Execute(context.Background(), runs, m, Options{Dir: dir, Parallel: parallel})
	if err != nil {
		t.Fatal(err)
	}
	return m, NewReport(sc, m, results)
}

// Real runs: the report does not depend on how many runs went at once, and each cell's
// figures are those summary.json gives the same requests (its row of the same
// operation, read mode and role), the final reads after the run aside.
func TestExecuteAgreesWithSummaries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulated world")
	}
	a, b := t.TempDir(), t.TempDir()
	m, one := tinyBench(t, a, 1)
	_, two := tinyBench(t, b, 2)
	page1, _ := one.HTML()
	page2, _ := two.HTML()
	if !bytes.Equal(one.JSON(), two.JSON()) || !bytes.Equal(one.Markdown(), two.Markdown()) || !bytes.Equal(page1, page2) {
		t.Errorf("one run at a time and two at once gave different reports:\n%s", testutil.FirstDiff(string(one.JSON()), string(two.JSON())))
	}
	checked := 0
	for _, run := range one.Runs {
		data, err := os.ReadFile(filepath.Join(a, run.Dir, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		var sum reports.Summary
		if err := json.Unmarshal(data, &sum); err != nil {
			t.Fatal(err)
		}
		if sum.StreamSHA256 != run.StreamSHA256 {
			t.Errorf("%s: summary.json judged stream %s, the report read %s", run.Name, sum.StreamSHA256, run.StreamSHA256)
		}
		// The final reads, per row, from the run's own stream.
		stream, err := os.ReadFile(filepath.Join(a, run.Dir, "events.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		events, _ := event.Decode(stream)
		ops, _ := checker.History(events)
		final := map[[3]string]int{}
		for _, op := range ops {
			if op.Client == event.FinalClient && op.Answered() {
				final[[3]string{op.Kind, op.Mode, op.ViaRole}]++
			}
		}
		for _, k := range m.cellKeys() {
			c, _ := one.Cell(run.Condition, run.Rate, k.op, k.mode, k.path)
			row, ok := sum.Workload.Row(k.op, k.mode, pathRole[k.path])
			if !ok {
				t.Errorf("%s: summary.json has no row %s %s %s", run.Name, k.op, k.mode, k.path)
				continue
			}
			f := final[[3]string{k.op, k.mode, pathRole[k.path]}]
			if c.Count != row.OK+row.Fail-f || c.Unknown != row.Unknown || c.InFlight != row.InFlight {
				t.Errorf("%s %s %s %s: %d answered, %d unknown, %d in flight; summary.json %d (%d of them final reads), %d, %d",
					run.Name, k.op, k.mode, k.path, c.Count, c.Unknown, c.InFlight, row.OK+row.Fail, f, row.Unknown, row.InFlight)
			}
			if f > 0 {
				continue // the summary's percentiles include the final reads
			}
			checked++
			for _, v := range [][2]*float64{{c.P50MS, row.P50MS}, {c.P99MS, row.P99MS}, {c.MaxMS, row.MaxMS}} {
				if (v[0] == nil) != (v[1] == nil) || v[0] != nil && *v[0] != *v[1] {
					t.Errorf("%s %s %s %s: p50/p99/max %v %v %v; summary.json %v %v %v", run.Name, k.op, k.mode, k.path,
						deref(c.P50MS), deref(c.P99MS), deref(c.MaxMS), deref(row.P50MS), deref(row.P99MS), deref(row.MaxMS))
					break
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d cells compared with summary.json", checked)
	}
	// And the CPU shows: through the leader, a default read costs its RTT and its 5ms of
	// CPU at least, where the lan condition has the RTT alone.
	lan, _ := one.Cell("lan", 60, "get", "default", "leader")
	cpu, _ := one.Cell("cpu", 60, "get", "default", "leader")
	if *lan.P50MS != 2 || *cpu.P50MS < 7 {
		t.Errorf("default reads through the leader: p50 %v ms on lan, %v ms with the cpu; want 2 and at least 7", *lan.P50MS, *cpu.P50MS)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
