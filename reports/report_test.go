package reports

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// goldenRun is the report's canonical run: testdata/report, a real run of its
// scenario.yaml (3 servers and a client, a workload, an isolated leader, a crash and a
// restart, a user event), judged as consim run judges it, with no wall time.
func goldenRun(t *testing.T) (*scenarios.Scenario, *checker.Run, Summary) {
	t.Helper()
	dir := filepath.Join("testdata", "report")
	stream, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	events, err := event.Decode(stream)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, err := scenarios.Load(filepath.Join(dir, "scenario.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	run := checker.NewRun(events)
	return sc, run, Judge(sc, run, stream, 0)
}

func render(t *testing.T, sc *scenarios.Scenario, run *checker.Run, sum Summary) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteReport(&b, sc, run, sum); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// report.html of the canonical run is testdata/report/report.golden.html, byte for
// byte, every time (no map order, no clock): review a change with a browser and a diff,
// then rewrite it with -update.
func TestReportGolden(t *testing.T) {
	sc, run, sum := goldenRun(t)
	got := render(t, sc, run, sum)
	for range 3 { // map order differs between iterations: any dependence on it shows
		if again := render(t, sc, run, sum); again != got {
			t.Fatal("two renderings of the same run differ")
		}
	}
	path := filepath.Join("testdata", "report", "report.golden.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("report.html differs from %s (%d bytes, want %d); if the change is intended, rerun with -update and review the diff", path, len(got), len(want))
	}
}

// The page holds what it promises, with the hooks a browser test reads.
func TestReportContents(t *testing.T) {
	sc, run, sum := goldenRun(t)
	page := render(t, sc, run, sum)
	faults := 0
	for _, f := range sum.Faults {
		if f.Kind != "heal" {
			faults++
		}
	}
	if faults != 2 {
		t.Fatalf("the canonical run has %d fault firings, want 2 (cut-leader, crash-one)", faults)
	}
	figures := regexp.MustCompile(`<figure class="plot" id="plot-([a-z-]+)" data-fault-bands="(\d+)">`).FindAllStringSubmatch(page, -1)
	var ids []string
	for _, f := range figures {
		ids = append(ids, f[1])
		if f[1] != "user-event-cdf" && f[2] != fmt.Sprint(faults) {
			t.Errorf("plot %s shades %s fault bands, want %d", f[1], f[2], faults)
		}
	}
	wantIDs := "timeline latency-raw-get-default latency-raw-get-consistent latency-raw-get-stale latency-raw-writes " +
		"latency-quantiles-get-default latency-quantiles-get-consistent latency-quantiles-get-stale latency-quantiles-writes throughput user-event-cdf"
	if got := strings.Join(ids, " "); got != wantIDs {
		t.Errorf("plots %s\nwant  %s", got, wantIDs)
	}
	for mode, verdict := range sum.Verdicts {
		if want := fmt.Sprintf(`data-mode="%s">%s</span>`, mode, verdict); !strings.Contains(page, want) {
			t.Errorf("the page lacks the verdict %q", want)
		}
	}
	for _, x := range sum.Expectations {
		if want := fmt.Sprintf(`data-ok="%t"><span class="status ok">ok</span> <b>%s</b>`, x.OK, x.Name); !strings.Contains(page, want) {
			t.Errorf("the page lacks the expectation %q", want)
		}
	}
	a := sum.Anomalies["stale"]
	if a == nil || len(a.Examples) == 0 {
		t.Fatal("the canonical run has no stale anomaly to link")
	}
	for _, x := range a.Examples {
		link := `<a href="` + ViewLink("stale", x.OpID) + `">`
		if !strings.Contains(page, link) || !strings.Contains(page, strings.ReplaceAll(x.Explanation, "'", "&#39;")) {
			t.Errorf("the anomaly of %s is not told and linked (%s)", x.OpID, link)
		}
	}
	for _, name := range []string{"events.jsonl", "summary.json", "scenario.yaml", ViewFile("default"), ViewFile("consistent"), ViewFile("stale")} {
		if !strings.Contains(page, `<a href="`+name+`">`) {
			t.Errorf("no link to %s", name)
		}
	}
	for _, want := range []string{">cut-leader: isolate server-", ">crash-one: crash server-", ">term 2<", "lost or corrupt of", "Thinned"} {
		if want == "Thinned" {
			if strings.Contains(page, want) {
				t.Error("a small run's plots are thinned")
			}
			continue
		}
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script") || regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(page) {
		t.Error("the page runs a script or fetches something")
	}
}

// Every string from a scenario or a node is text on the page, never markup.
func TestReportEscapes(t *testing.T) {
	evil := "<script>alert(1)</script>"
	ms := func(n int) event.Time { return event.Time(time.Duration(n) * time.Millisecond) }
	events := []event.Event{
		{T: 0, Type: event.RunStart, Scenario: evil, Seed: 1, Build: evil, Version: evil, Servers: 1, Bugs: []string{evil}},
		{T: ms(1), Type: event.NodeUp, Node: "server-1" + evil, Role: "server"},
		{T: ms(2), Type: event.RaftState, Node: "server-1" + evil, State: "leader", Term: 2},
		{T: ms(10), Type: event.OpCall, Client: "c1", OpID: "c1-1" + evil, Op: event.OpPut, Key: "k" + evil, Value: "v" + evil, Via: "server-1" + evil},
		{T: ms(12), Type: event.OpReturn, Client: "c1", OpID: "c1-1" + evil, Status: event.StatusOK},
		{T: ms(20), Type: event.OpCall, Client: "c2", OpID: "c2-1" + evil, Op: event.OpGet, Key: "k" + evil, Mode: "stale", Via: "server-1" + evil},
		{T: ms(22), Type: event.OpReturn, Client: "c2", OpID: "c2-1" + evil, Status: event.StatusOK, Found: new(bool)},
		{T: ms(25), Type: event.FaultStart, Name: "cut" + evil, FaultFields: event.FaultFields{Kind: "isolate", Targets: []string{"server-1" + evil}, Spec: evil}},
		{T: ms(40), Type: event.RunEnd},
	}
	run := checker.NewRun(events)
	sc := &scenarios.Scenario{Name: "x", Description: "a description with " + evil}
	sum := Judge(sc, run, nil, 0)
	if sum.Anomalies["stale"] == nil || len(sum.Anomalies["stale"].Examples) == 0 {
		t.Fatal("the hand-made run has no anomaly to explain")
	}
	page := render(t, sc, run, sum)
	if strings.Contains(page, "<script") {
		i := strings.Index(page, "<script")
		t.Errorf("markup from the run reached the page: ...%s...", page[max(0, i-80):min(len(page), i+80)])
	}
	for _, want := range []string{
		"<title>consim report: &lt;script&gt;alert(1)&lt;/script&gt;, seed 1</title>",
		"a description with &lt;script&gt;alert(1)&lt;/script&gt;",
		"PLANTED BUGS: &lt;script&gt;",
		">cut&lt;script&gt;alert(1)&lt;/script&gt;: isolate server-1&lt;script&gt;", // in the SVG
		`href="linearizability-stale.html#op=c2-1%3Cscript%3Ealert%281%29%3C%2Fscript%3E"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// Past maxPoints a panel keeps every operation that is not ok and the fastest and the
// slowest ok one of each time slice, so a spike survives the thinning.
func TestThinKeepsTheEnvelope(t *testing.T) {
	var ops []*checker.Op
	for i := range 5000 {
		op := &checker.Op{ID: fmt.Sprint(i), Call: event.Time(time.Duration(i) * 10 * time.Millisecond), Returned: true, Status: event.StatusOK}
		op.Return = op.Call + event.Time(2*time.Millisecond)
		switch {
		case i == 2345:
			op.Return = op.Call + event.Time(900*time.Millisecond) // a spike
		case i%1000 == 7:
			op.Status = event.StatusUnknown
		}
		ops = append(ops, op)
	}
	shown, k := thin(ops, event.Time(50*time.Second))
	if k == 0 || len(shown) > maxPoints {
		t.Fatalf("5000 ops thinned to %d in %d slices", len(shown), k)
	}
	keep := map[string]bool{}
	for _, op := range shown {
		keep[op.ID] = true
	}
	for _, id := range []string{"2345", "7", "1007", "4007"} {
		if !keep[id] {
			t.Errorf("op %s was thinned away", id)
		}
	}
	if few, k := thin(ops[:100], event.Time(time.Second)); k != 0 || len(few) != 100 {
		t.Errorf("100 ops were thinned to %d", len(few))
	}
}

func TestBucketWidth(t *testing.T) {
	for _, tc := range []struct {
		end  time.Duration
		ops  int
		want time.Duration
	}{
		{45 * time.Second, 100000, time.Second},  // 46 buckets
		{45 * time.Second, 250, 2 * time.Second}, // 23 buckets of about 11
		{10 * time.Second, 5000, 200 * time.Millisecond},
		{10 * time.Second, 0, 10 * time.Minute}, // nothing to bucket: one bucket
	} {
		if got := bucketWidth(event.Time(tc.end), tc.ops); got != tc.want {
			t.Errorf("%s with %d ops: %s, want %s", tc.end, tc.ops, got, tc.want)
		}
	}
}
