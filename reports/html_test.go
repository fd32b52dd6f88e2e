package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// Every string that can come from a scenario or a node, hostile: the view must show each
// as text. A script that runs sets window.pwned.
const (
	hostileScenario = `<script>window.pwned=1</script>`
	hostileNode     = `s<img src=x onerror="window.pwned=1">`
	hostileFault    = `cut</title><script>window.pwned=1</script>`
	hostileValue    = `v<img src=x onerror="window.pwned=1">`
	hostileClient   = `c<i>2</i>`
	hostileOp       = `c<i>2</i>-1 &+#` // also a fragment that needs escaping
)

// hostileEvents is a small run with a stale read (an anomaly of the stale mode), a
// linearizable consistent read, a leader, a fault window and a crash, every name hostile.
func hostileEvents() []event.Event {
	no, yes := false, true
	return []event.Event{
		{T: 0, Type: event.RunStart, Scenario: hostileScenario, Seed: 3, Servers: 3, Bugs: []string{"stale-as-consistent"}},
		{T: at(5), Type: event.RaftState, Node: hostileNode, State: event.RaftLeader, Term: 2},
		{T: at(10), Type: event.OpCall, Client: "c1", OpID: "c1-1", Op: event.OpPut, Key: "k1", Value: hostileValue, Via: hostileNode},
		{T: at(12), Type: event.OpReturn, Client: "c1", OpID: "c1-1", Status: event.StatusOK, Code: 200},
		{T: at(15), Type: event.FaultStart, Name: hostileFault, FaultFields: event.FaultFields{Kind: "isolate", Targets: []string{hostileNode}, Spec: `{name: cut, isolate: "<b>x</b>"}`}},
		{T: at(20), Type: event.OpCall, Client: hostileClient, OpID: hostileOp, Op: event.OpGet, Key: "k1", Mode: "stale", Via: hostileNode},
		{T: at(22), Type: event.OpReturn, Client: hostileClient, OpID: hostileOp, Status: event.StatusOK, Code: 200, Found: &no},
		{T: at(25), Type: event.FaultEnd, Name: hostileFault},
		{T: at(26), Type: event.NodeDown, Node: hostileNode, Reason: "crash"},
		{T: at(30), Type: event.OpCall, Client: "c10", OpID: "c10-1", Op: event.OpGet, Key: "k1", Mode: "consistent", Via: hostileNode},
		{T: at(32), Type: event.OpReturn, Client: "c10", OpID: "c10-1", Status: event.StatusOK, Code: 200, Found: &yes, Value: hostileValue},
		{T: at(40), Type: event.RunEnd},
	}
}

// hostileView writes the view of mode for hostileEvents.
func hostileView(t *testing.T, mode string) []byte {
	t.Helper()
	run := checker.NewRun(hostileEvents())
	sc := &scenarios.Scenario{Expect: &scenarios.Expect{CheckTimeout: scenarios.Duration(7 * time.Second)}}
	var b bytes.Buffer
	if err := WriteHTML(&b, run, Judge(sc, run, nil, 0), mode); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// injected is what the view adds at the top of porcupine's body: the header and the data.
func injected(t *testing.T, page []byte) string {
	t.Helper()
	_, rest, ok := bytes.Cut(page, []byte("<body>\n"))
	head, _, ok2 := bytes.Cut(rest, []byte(`<div id="legend">`))
	if !ok || !ok2 {
		t.Fatalf("the page has no <body> followed by porcupine's legend:\n%.2000s", page)
	}
	return strings.TrimSpace(string(head))
}

// The header and the data the view puts around porcupine's lanes, for a run with an
// anomaly, a fault window, a leader and a crash: canonical, so golden.
func TestViewGolden(t *testing.T) {
	got := injected(t, hostileView(t, "stale")) + "\n"
	const golden = "testdata/view-stale.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the view's header and data differ from %s (go test ./reports -run ViewGolden -update, then review):\n%s", golden, got)
	}
}

// Nothing hostile reaches the page as markup: the only elements are the view's and
// porcupine's own, and the hostile strings are there, escaped.
func TestViewEscapes(t *testing.T) {
	for _, mode := range []string{"stale", "consistent"} {
		page := string(hostileView(t, mode))
		if n := strings.Count(page, "<script"); n != 3 {
			t.Errorf("%s: %d <script elements, want 3 (porcupine's, the data, the view's)", mode, n)
		}
		for _, bad := range []string{"<img", "<b>x", "<i>2", "window.pwned=1</script>"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s: the page holds %q unescaped", mode, bad)
			}
		}
	}
	page := string(hostileView(t, "stale"))
	if !strings.Contains(page, "<title>stale reads of &lt;script&gt;window.pwned=1&lt;/script&gt;, seed 3: not-linearizable</title>") {
		t.Errorf("the title does not name the scenario, escaped:\n%.600s", page)
	}
}

// The header says the verdict in words, the anomalies with links to their operations,
// the check timeout the verdicts had, and a planted bug above everything.
func TestViewHeaderSaysTheVerdict(t *testing.T) {
	stale := injected(t, hostileView(t, "stale"))
	for _, want := range []string{
		"PLANTED BUGS: stale-as-consistent",
		`stale reads are <b>not linearizable</b>: 1 anomaly`,
		"each key searched for up to 7s",
		`href="#op=c%3Ci%3E2%3C%2Fi%3E-1&#43;%26%2B%23"`, // ViewLink's escaping, + as an HTML entity
	} {
		if !strings.Contains(stale, want) {
			t.Errorf("the stale view lacks %q", want)
		}
	}
	consistent := injected(t, hostileView(t, "consistent"))
	if !strings.Contains(consistent, `consistent reads are <b>linearizable</b>`) || strings.Contains(consistent, `id="cv-anomalies"`) {
		t.Errorf("the consistent view does not say it is linearizable, or lists anomalies:\n%s", consistent)
	}
}

// viewData decodes the data the page embeds for its script.
func viewData(t *testing.T, page []byte) viewPage {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="cv-data">(.*)</script>`).FindSubmatch(page)
	if m == nil {
		t.Fatal("the page has no cv-data")
	}
	var p viewPage
	if err := json.Unmarshal(m[1], &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The page's data: lanes named by client in natural order, a fault window from its start
// to its end (or to the end of the run while it goes on), the leader and the crash.
func TestViewData(t *testing.T) {
	p := viewData(t, hostileView(t, "consistent"))
	if got := strings.Join(p.Clients, " "); got != "c1 c10" {
		t.Errorf("lanes %q, want c1 c10 (only clients with writes or consistent reads)", got)
	}
	if _, ok := p.Ops["c10-1"]; !ok || len(p.Ops) != 2 {
		t.Errorf("ops %v: want c1-1 and c10-1", p.Ops)
	}
	if len(p.Windows) != 1 || p.Windows[0].StartNS != int64(at(15)) || p.Windows[0].EndNS != int64(at(25)) || p.Windows[0].Ongoing {
		t.Errorf("windows %+v, want one from 15 ms to 25 ms", p.Windows)
	}
	if len(p.Marks) != 2 || p.Marks[0].Kind != "leader" || p.Marks[1].Text != hostileNode+" down (crash)" {
		t.Errorf("marks %+v", p.Marks)
	}

	evs := hostileEvents()
	evs = append(evs[:7:7], evs[8:]...) // no fault_end: the window lasts to the end
	run := checker.NewRun(evs)
	p = newViewPage(run, Summary{}, "stale", checker.LinearizationView(run, "stale", time.Second))
	if w := p.Windows[0]; w.EndNS != int64(at(40)) || !w.Ongoing {
		t.Errorf("a window still going at the end: %+v, want it to end at 40 ms, ongoing", w)
	}
}

// wrap refuses a page it does not recognize instead of writing a broken one.
func TestWrapNeedsPorcupinesPage(t *testing.T) {
	if _, err := wrap([]byte("<html><body></body></html>"), pageParts{}); err == nil || !strings.Contains(err.Error(), "<title>Porcupine</title>") {
		t.Errorf("wrap of a page without porcupine's title: %v", err)
	}
}
