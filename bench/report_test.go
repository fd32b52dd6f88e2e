package bench

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/internal/testutil"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./bench -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test ./bench -run %s -update rewrites it; review the diff):\n%s", path, t.Name(), testutil.FirstDiff(string(want), string(got)))
	}
}

// smallMatrix is two conditions, two rates and two seeds over the built-in bench: eight
// runs, each with every cell.
func smallMatrix(t *testing.T) (*scenarios.Scenario, *Matrix, []Run) {
	t.Helper()
	m, src, err := LoadMatrix("")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SelectConditions([]string{"lan", "wan"}); err != nil {
		t.Fatal(err)
	}
	m.Rates = []scenarios.Rate{30, 90}
	m.Seeds = []uint64{1, 2}
	if err := Check(m, src); err != nil {
		t.Fatal(err)
	}
	sc, _, err := scenarios.Load("bench")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := Plan(sc, m, src)
	if err != nil {
		t.Fatal(err)
	}
	return sc, m, runs
}

// syntheticResults are results made up for runs, without running anything: in each run,
// for every cell, a few requests whose latencies follow a formula of the cell (a read
// through the leader costs one RTT, each forwarding another, consistent one more, a write
// three more; the higher rate adds 1ms; the second seed 0.5ms), one timed out, one of the
// leader's cas failing, and a request of a candidate that no cell takes. Their figures are
// exact to compute by hand, which is what the golden files hold.
func syntheticResults(m *Matrix, runs []Run) []Result {
	var out []Result
	for ri := range runs {
		r := &runs[ri]
		rtt := 2 * meanLatency(r.Scenario.Network.Latency)
		var ops []checker.Op
		n := 0
		add := func(kind, mode, role string, lat time.Duration, status string) {
			n++
			call := 5*time.Second + time.Duration(n)*10*time.Millisecond
			op := checker.Op{ID: fmt.Sprintf("c1-%d", n), Client: "c1", Kind: kind, Mode: mode, ViaRole: role, Call: event.Time(call)}
			if status != "" {
				op.Returned, op.Status, op.Return = true, status, event.Time(call+lat)
			}
			ops = append(ops, op)
		}
		extra := time.Duration(0)
		if r.Rate > 30 {
			extra += time.Millisecond
		}
		if r.Seed == 2 {
			extra += time.Millisecond / 2
		}
		for _, k := range m.cellKeys() {
			hops := map[string]int{PathLeader: 1, PathFollower: 2, PathClient: 3}[k.path]
			base := time.Duration(hops) * rtt
			switch {
			case k.mode == scenarios.ModeConsistent:
				base += rtt
			case k.mode == scenarios.ModeStale:
				base = rtt
			case k.op != event.OpGet:
				base += 3 * rtt
			}
			for i := range 4 {
				status := event.StatusOK
				if k.op == event.OpCAS && k.path == PathLeader && i == 3 {
					status = event.StatusFail
				}
				add(k.op, k.mode, pathRole[k.path], base+extra+time.Duration(i)*time.Millisecond/4, status)
			}
			add(k.op, k.mode, pathRole[k.path], 0, event.StatusUnknown)
		}
		add(event.OpGet, scenarios.ModeDefault, event.ViaRoleCandidate, time.Second, event.StatusOK)
		add(event.OpPut, "", event.ViaRoleLeader, 0, "") // in flight at the end
		from, to := window(r.Scenario)
		cells, all := runSamples(ops, m, from, to)
		sum := reports.Summary{Version: "0.1.0-test", Build: "000000000000", StreamSHA256: fmt.Sprintf("%064x", ri)}
		if r.Condition.Name == "wan" && r.Seed == 2 && r.Rate == 90 {
			sum.Expectations = []reports.Expectation{{Name: "consistent", OK: false, Detail: "made up"}}
		}
		out = append(out, Result{Run: r, Summary: sum, cells: cells, all: all, window: to - from})
	}
	return out
}

// The report of made-up runs, as Markdown and JSON: canonical, and equal to the golden
// files (which say, cell by cell, what the formula gives).
func TestReportGolden(t *testing.T) {
	sc, m, runs := smallMatrix(t)
	r := NewReport(sc, m, syntheticResults(m, runs))
	golden(t, "report.md.golden", r.Markdown())
	golden(t, "report.json.golden", r.JSON())
	// The JSON reads back to the same report.
	back, err := ReadReport("report.json", r.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.JSON(), r.JSON()) {
		t.Error("report.json does not read back to the same report")
	}
}

// A few cells checked by hand against the formula, so that the golden file is not the
// only witness: lan's RTT is 2ms, wan's 100ms.
func TestReportFigures(t *testing.T) {
	sc, m, runs := smallMatrix(t)
	r := NewReport(sc, m, syntheticResults(m, runs))
	check := func(cond string, rate float64, op, mode, path string, count int, p50, max float64) {
		t.Helper()
		c, ok := r.Cell(cond, rate, op, mode, path)
		if !ok {
			t.Fatalf("no cell %s %v %s %s %s", cond, rate, op, mode, path)
		}
		if c.Count != count || *c.P50MS != p50 || *c.MaxMS != max {
			t.Errorf("%s %v %s %s %s: count %d p50 %v max %v; want %d, %v, %v", cond, rate, op, mode, path, c.Count, *c.P50MS, *c.MaxMS, count, p50, max)
		}
	}
	// Seeds pooled: 4 answered each; seed 2 is 0.5ms slower; one unknown per seed left out.
	check("lan", 30, "get", "default", "leader", 8, 2.5, 3.25) // 2, 2.25, 2.5, 2.5, 2.75, ...: the 4th of 8
	check("lan", 30, "get", "consistent", "follower", 8, 6.5, 7.25)
	check("wan", 90, "put", "", "client", 8, 601.5, 602.25)
	c, _ := r.Cell("lan", 30, "cas", "", "leader")
	if c.OK != 6 || c.Fail != 2 || c.Unknown != 2 {
		t.Errorf("lan cas via leader: ok %d fail %d unknown %d; want 6, 2, 2", c.OK, c.Fail, c.Unknown)
	}
	for _, p := range r.Consistent {
		if p.ExtraRTTs == nil || *p.ExtraRTTs != 1 {
			t.Errorf("consistent over default at %s %v via %s: %v RTTs; the formula makes it exactly 1", p.Condition, p.Rate, p.Path, p.ExtraRTTs)
		}
	}
	if got := r.Runs[0].Requests; got.Count != 15*4+1 || got.Unknown != 15 || got.InFlight != 1 {
		t.Errorf("the first run's requests: %+v; want 61 answered (the candidate's too), 15 unknown, 1 in flight", got)
	}
}

// Compare against an earlier report: every cell with its change, cells only one has.
func TestCompareGolden(t *testing.T) {
	sc, m, runs := smallMatrix(t)
	old := NewReport(sc, m, syntheticResults(m, runs))
	// "After" has fsync-10ms where "before" had lan, and one rate less.
	m2 := *m
	m2.Rates = m.Rates[:1]
	m2.Seeds = m.Seeds[:1]
	m2.Conditions = slices.Clone(m.Conditions)
	d := scenarios.Duration(10 * time.Millisecond)
	m2.Conditions[0].Disk.WriteLatency = &d
	var runs2 []Run
	for _, r := range runs {
		if r.Rate == m.Rates[0] && r.Seed == 1 {
			runs2 = append(runs2, r)
		}
	}
	res := syntheticResults(&m2, runs2)
	for i := range res {
		for k, s := range res[i].cells {
			if k.op != event.OpGet && res[i].Run.Condition.Name == "lan" {
				for j := range s.latencies {
					s.latencies[j] += 16 * time.Millisecond // two fsyncs 8ms slower
				}
			}
		}
	}
	now := NewReport(sc, &m2, res)
	var b bytes.Buffer
	Compare(&b, "before/report.json", old, now)
	golden(t, "compare.golden", b.Bytes())
}

// The page escapes what comes from a scenario or a matrix, and draws a plot of each kind.
func TestHTMLEscapesAndPlots(t *testing.T) {
	sc, m, runs := smallMatrix(t)
	r := NewReport(sc, m, syntheticResults(m, runs))
	r.Scenario = "<script>alert(1)</script>"
	r.Matrix.Conditions[0].Changes = `fault: {name: "<b>x</b>"}`
	page, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if strings.Contains(s, "<script>") || strings.Contains(s, "<b>x</b>") || !strings.Contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("report.html does not escape the scenario name and a condition's changes")
	}
	for _, id := range []string{"plot-throughput", "plot-by-path-0", "plot-by-path-1", "plot-vs-rate-0", "plot-vs-rate-1"} {
		if !strings.Contains(s, `id="`+id+`"`) {
			t.Errorf("report.html has no %s", id)
		}
	}
	again, _ := r.HTML()
	if !bytes.Equal(page, again) {
		t.Error("the same report drew two different pages")
	}
}
