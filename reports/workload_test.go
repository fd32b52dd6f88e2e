package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// opEvents returns the op_call and op_return of one operation; latency < 0 leaves it in
// flight.
func opEvents(startMS int, id, op, mode, role string, latency time.Duration, status string) []event.Event {
	start := event.Time(time.Duration(startMS) * time.Millisecond)
	c := event.Event{T: start, Type: event.OpCall, Client: id[:2], OpID: id, Op: op, Key: "k0", Mode: mode, Via: "server-1", ViaRole: role}
	if latency < 0 {
		return []event.Event{c}
	}
	r := event.Event{T: start + event.Time(latency), Type: event.OpReturn, Client: id[:2], OpID: id, Op: op, Status: status}
	return []event.Event{c, r}
}

// workloadEvents: 100 default gets via the leader taking 1..100 ms; 4 consistent gets via
// a follower (one unknown, one fail); puts via the leader and via a client agent, one of
// them in flight; one cas that failed.
func workloadEvents() []event.Event {
	evs := []event.Event{{Type: event.RunStart, Scenario: "hand-made", Seed: 1, Servers: 3, Clients: 1}}
	n := 0
	add := func(op, mode, role string, latency time.Duration, status string) {
		n++
		client := []string{"c1", "c2", "c3"}[n%3]
		evs = append(evs, opEvents(n*200, fmt.Sprintf("%s-%d", client, n), op, mode, role, latency, status)...)
	}
	// Added in a shuffled order of latencies: the percentiles must not depend on it.
	for i := range 100 {
		add(event.OpGet, "default", event.ViaRoleLeader, time.Duration((i*37)%100+1)*time.Millisecond, event.StatusOK)
	}
	add(event.OpGet, "consistent", event.ViaRoleFollower, 4*time.Millisecond, event.StatusOK)
	add(event.OpGet, "consistent", event.ViaRoleFollower, 6500*time.Microsecond, event.StatusOK)
	add(event.OpGet, "consistent", event.ViaRoleFollower, 5*time.Second, event.StatusUnknown)
	add(event.OpGet, "consistent", event.ViaRoleFollower, 3*time.Millisecond, event.StatusFail)
	add(event.OpPut, "", event.ViaRoleClient, 12*time.Millisecond, event.StatusOK)
	add(event.OpPut, "", event.ViaRoleLeader, 8*time.Millisecond, event.StatusOK)
	add(event.OpPut, "", event.ViaRoleLeader, -1, "")
	add(event.OpCAS, "", event.ViaRoleLeader, 8123456*time.Nanosecond, event.StatusFail)
	return evs
}

func f(v float64) *float64 { return &v }

func TestNewWorkload(t *testing.T) {
	wl := NewWorkload(checker.NewRun(workloadEvents()))
	if wl == nil {
		t.Fatal("no workload summary")
	}
	if wl.Clients != 3 || wl.Calls != 108 || wl.OK != 104 || wl.Fail != 2 || wl.Unknown != 1 || wl.InFlight != 1 || wl.HistoryError != "" {
		t.Errorf("totals: %+v", *wl)
	}
	want := []WorkloadRow{
		// 1..100 ms: nearest rank p50 is the 50th value, p99 the 99th.
		{Op: "get", Mode: "default", Via: "all", Calls: 100, OK: 100, P50MS: f(50), P99MS: f(99), MaxMS: f(100)},
		{Op: "get", Mode: "default", Via: "leader", Calls: 100, OK: 100, P50MS: f(50), P99MS: f(99), MaxMS: f(100)},
		// The fail (3 ms) counts, the unknown (5 s) does not: 3, 4, 6.5.
		{Op: "get", Mode: "consistent", Via: "all", Calls: 4, OK: 2, Fail: 1, Unknown: 1, P50MS: f(4), P99MS: f(6.5), MaxMS: f(6.5)},
		{Op: "get", Mode: "consistent", Via: "follower", Calls: 4, OK: 2, Fail: 1, Unknown: 1, P50MS: f(4), P99MS: f(6.5), MaxMS: f(6.5)},
		{Op: "put", Via: "all", Calls: 3, OK: 2, InFlight: 1, P50MS: f(8), P99MS: f(12), MaxMS: f(12)},
		{Op: "put", Via: "leader", Calls: 2, OK: 1, InFlight: 1, P50MS: f(8), P99MS: f(8), MaxMS: f(8)},
		{Op: "put", Via: "client", Calls: 1, OK: 1, P50MS: f(12), P99MS: f(12), MaxMS: f(12)},
		// Rounded to microseconds.
		{Op: "cas", Via: "all", Calls: 1, Fail: 1, P50MS: f(8.123), P99MS: f(8.123), MaxMS: f(8.123)},
		{Op: "cas", Via: "leader", Calls: 1, Fail: 1, P50MS: f(8.123), P99MS: f(8.123), MaxMS: f(8.123)},
	}
	got, _ := json.Marshal(wl.Rows)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(got, wantJSON) {
		t.Errorf("rows:\n got %s\nwant %s", got, wantJSON)
	}
	if r, ok := wl.Row("put", "", "client"); !ok || r.Calls != 1 {
		t.Errorf("Row(put, client) = %+v, %v", r, ok)
	}
	if _, ok := wl.Row("get", "stale", "all"); ok {
		t.Error("Row found a row that does not exist")
	}

	var text bytes.Buffer
	writeWorkload(&text, wl)
	goldenText(t, "workload text", text.Bytes(), `workload   3 clients, 108 ops: 104 ok, 2 fail, 1 unknown, 1 in flight at the end
           op      mode        via            ok    fail  unknown    p50 ms    p99 ms    max ms
           get     default     leader        100       0        0    50.000    99.000   100.000
           get     consistent  follower        2       1        1     4.000     6.500     6.500
           put     -           all             2       0        0     8.000    12.000    12.000
           put     -           leader          1       0        0     8.000     8.000     8.000
           put     -           client          1       0        0    12.000    12.000    12.000
           cas     -           leader          0       1        0     8.123     8.123     8.123
`)
}

// A row whose operations never returned has no latency: null in JSON, "-" in text.
func TestNewWorkloadNothingAnswered(t *testing.T) {
	evs := opEvents(10, "c1-1", event.OpPut, "", event.ViaRoleDown, 5*time.Second, event.StatusUnknown)
	evs = append(evs, opEvents(20, "c1-2", event.OpGet, "stale", event.ViaRoleDown, -1, "")...)
	wl := NewWorkload(checker.NewRun(evs))
	b, _ := json.Marshal(wl)
	want := `{"clients":1,"final_reads":0,"calls":2,"ok":0,"fail":0,"unknown":1,"in_flight":1,"ops":[` +
		`{"op":"get","mode":"stale","via":"all","calls":1,"ok":0,"fail":0,"unknown":0,"in_flight":1,"p50_ms":null,"p99_ms":null,"max_ms":null},` +
		`{"op":"get","mode":"stale","via":"down","calls":1,"ok":0,"fail":0,"unknown":0,"in_flight":1,"p50_ms":null,"p99_ms":null,"max_ms":null},` +
		`{"op":"put","via":"all","calls":1,"ok":0,"fail":0,"unknown":1,"in_flight":0,"p50_ms":null,"p99_ms":null,"max_ms":null},` +
		`{"op":"put","via":"down","calls":1,"ok":0,"fail":0,"unknown":1,"in_flight":0,"p50_ms":null,"p99_ms":null,"max_ms":null}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var text bytes.Buffer
	writeWorkload(&text, wl)
	goldenText(t, "workload text", text.Bytes(), `workload   1 client, 2 ops: 0 ok, 0 fail, 1 unknown, 1 in flight at the end
           op      mode        via            ok    fail  unknown    p50 ms    p99 ms    max ms
           get     stale       down            0       0        0         -         -         -
           put     -           down            0       0        1         -         -         -
`)
}

// Without workload events there is no workload object, and summary.json has no key for it.
func TestSummaryWithoutWorkload(t *testing.T) {
	evs := handMade(false)
	s := NewSummary(evs, encode(t, evs), time.Second)
	if s.Workload != nil {
		t.Errorf("workload = %+v, want nil", s.Workload)
	}
	if bytes.Contains(s.JSON(), []byte(`"workload"`)) {
		t.Error("summary.json has a workload key without a workload")
	}
}

// With a workload, the summary carries it and the text summary ends with its table; a
// broken history is said, not hidden.
func TestSummaryWithWorkload(t *testing.T) {
	evs := append(handMade(false), workloadEvents()[1:]...)
	s := NewSummary(evs, encode(t, evs), time.Second)
	if s.Workload == nil || s.Workload.Calls != 108 {
		t.Fatalf("workload = %+v", s.Workload)
	}
	var text bytes.Buffer
	WriteText(&text, s)
	if !bytes.Contains(text.Bytes(), []byte("\nworkload   3 clients, 108 ops: 104 ok, 2 fail, 1 unknown, 1 in flight at the end\n")) {
		t.Errorf("text summary lacks the workload line:\n%s", text.Bytes())
	}
	broken := append(evs, event.Event{Type: event.OpReturn, OpID: "c9-9", Status: event.StatusOK})
	s = NewSummary(broken, encode(t, broken), time.Second)
	if s.Workload == nil || s.Workload.HistoryError == "" || s.Workload.Calls != 108 {
		t.Fatalf("broken history: %+v", s.Workload)
	}
	text.Reset()
	WriteText(&text, s)
	if !bytes.Contains(text.Bytes(), []byte("broken history: checker: op_return of \"c9-9\"")) {
		t.Errorf("text summary hides the broken history:\n%s", text.Bytes())
	}
}

func TestPercentile(t *testing.T) {
	ms := func(vs ...int) []time.Duration {
		var out []time.Duration
		for _, v := range vs {
			out = append(out, time.Duration(v)*time.Millisecond)
		}
		return out
	}
	for _, tc := range []struct {
		sorted []time.Duration
		p      float64
		want   int
	}{
		{ms(7), 50, 7}, {ms(7), 99, 7}, {ms(7), 100, 7},
		{ms(1, 2), 50, 1}, {ms(1, 2), 51, 2}, {ms(1, 2), 99, 2},
		{ms(1, 2, 3, 4), 50, 2}, {ms(1, 2, 3, 4), 75, 3}, {ms(1, 2, 3, 4), 76, 4},
		{ms(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
			1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9), 99, 1},
	} {
		if got := Percentile(tc.sorted, tc.p); got != time.Duration(tc.want)*time.Millisecond {
			t.Errorf("Percentile(%v, %v) = %s, want %dms", tc.sorted, tc.p, got, tc.want)
		}
	}
}
