package checker

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// check runs the checker on a hand-made history with a generous timeout.
func check(t *testing.T, text string) map[string]Verdict {
	t.Helper()
	vs, err := CheckLinearizability(parseOps(t, text), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func wantVerdict(t *testing.T, vs map[string]Verdict, mode, want string) Verdict {
	t.Helper()
	v, ok := vs[mode]
	if !ok {
		t.Fatalf("no verdict for %s (have %v)", mode, vs)
	}
	if v.Result != want {
		t.Errorf("%s: %s, want %s; anomalies: %v", mode, v.Result, want, explanations(v))
	}
	return v
}

func explanations(v Verdict) []string {
	var s []string
	for _, a := range v.Anomalies {
		s = append(s, a.Explanation)
	}
	return s
}

// A history with every op kind that a correct store could have produced passes in
// every mode, and the counts say what was checked.
func TestLinearizableHistoryPasses(t *testing.T) {
	vs := check(t, `
c1-1 put k1 0 10 ok
c2-1 get k1 default 12 14 = c1-1@7
c3-1 get k1 consistent 12 14 = c1-1@7
c2-2 cas k1 @7 20 30 ok
c3-2 cas k1 @7 25 35 false
c2-3 get k1 stale 40 42 = c2-2@9
c1-2 delete k1 50 60 ok
c3-3 get k1 consistent 61 62 = missing
c1-3 cas k1 @0 70 80 ok
c2-4 get k1 default 81 82 = c1-3@12
c1-4 get k2 default 81 82 = missing
`)
	for _, mode := range []string{"default", "consistent", "stale"} {
		v := wantVerdict(t, vs, mode, Linearizable)
		if v.Writes != 5 || v.Keys < 1 || v.AnomalyCount != 0 {
			t.Errorf("%s: %d writes, %d keys, %d anomalies; want 5 writes, no anomaly", mode, v.Writes, v.Keys, v.AnomalyCount)
		}
	}
	if r := vs["default"].Reads; r != 3 {
		t.Errorf("default: %d reads checked, want 3", r)
	}
	if len(vs) != 3 {
		t.Errorf("verdicts for %d modes, want the 3 that have reads", len(vs))
	}
}

// A stale read after an acknowledged write fails its own mode only, with an explanation
// that names the key, the read, and the value that was linearizable.
func TestStaleReadFailsOnlyItsMode(t *testing.T) {
	vs := check(t, `
c1-1 put k2 0 10 ok
c2-20 put k2 12000 12250 ok
c1-5 get k2 consistent 12260 12262 = c2-20
c3-17 get k2 stale 12299 12301 = c1-1 via=server-4
c1-6 get k2 default 12300 12302 = c2-20
`)
	wantVerdict(t, vs, "consistent", Linearizable)
	wantVerdict(t, vs, "default", Linearizable)
	v := wantVerdict(t, vs, "stale", NotLinearizable)
	if v.AnomalyCount != 1 || len(v.Anomalies) != 1 {
		t.Fatalf("stale: %d anomalies, want 1: %v", v.AnomalyCount, explanations(v))
	}
	a := v.Anomalies[0]
	want := "c3 read k2 = c1-1 via server-4 (stale) at 12.299–12.301 s, but c2-20 was acknowledged at 12.250 s: only k2 = c2-20 was linearizable there"
	if a.Explanation != want {
		t.Errorf("explanation:\n got %s\nwant %s", a.Explanation, want)
	}
	if a.Key != "k2" || a.OpID != "c3-17" || a.Via != "server-4" || strings.Join(a.Linearizable, ",") != "c2-20" {
		t.Errorf("anomaly fields: %+v", a)
	}
}

// A read of the initial state after a delete, and a read of a value no write wrote.
func TestMissingAndInventedValues(t *testing.T) {
	vs := check(t, `
c1-1 put k1 0 10 ok
c1-2 delete k1 20 30 ok
c2-1 get k1 default 40 41 = c1-1
c2-2 get k1 consistent 40 41 = c9-9
c2-3 get k1 stale 40 41 = missing
`)
	wantVerdict(t, vs, "stale", Linearizable)
	d := wantVerdict(t, vs, "default", NotLinearizable)
	if e := explanations(d); len(e) != 1 || !strings.Contains(e[0], "c1-2 deleted k1, acknowledged at 0.030 s: only k1 = missing") {
		t.Errorf("default explanation: %v", e)
	}
	wantVerdict(t, vs, "consistent", NotLinearizable)
}

// A write whose outcome is unknown may or may not have happened: a later read may see it
// or not, and both pass; once seen, it cannot be unseen.
func TestUnknownWritesMayOrMayNotApply(t *testing.T) {
	base := `
c1-1 put k1 0 10 ok
c1-2 put k1 20 - unknown
c3-1 cas k1 @7 20 - x
c4-1 put k1 30 40 unknown
`
	for _, tc := range []struct {
		name, reads, want string
	}{
		{"not applied", "c2-1 get k1 default 100 101 = c1-1@7", Linearizable},
		{"applied", "c2-1 get k1 default 100 101 = c1-2", Linearizable},
		{"unknown with an answer, applied", "c2-1 get k1 default 100 101 = c4-1", Linearizable},
		{"cas of unknown outcome applied", "c2-1 get k1 default 100 101 = c1-1@7\nc2-2 get k1 default 102 103 = c3-1", Linearizable},
		{"seen then unseen", "c2-1 get k1 default 100 101 = c1-2\nc2-2 get k1 default 102 103 = c1-1@7", NotLinearizable},
		{"before its call", "c2-1 get k1 default 11 12 = c1-2", NotLinearizable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantVerdict(t, check(t, base+tc.reads), "default", tc.want)
		})
	}
}

// Overlapping operations may take effect in either order, but each read fixes a point.
func TestConcurrentOpsOverlap(t *testing.T) {
	for _, tc := range []struct {
		name, hist, want string
	}{
		{"reads inside a long put see old then new", `
c1-1 put k1 0 100 ok
c2-1 get k1 default 10 20 = missing
c2-2 get k1 default 30 40 = c1-1
c2-3 get k1 default 110 120 = c1-1`, Linearizable},
		{"new then old inside a long put", `
c1-1 put k1 0 100 ok
c2-1 get k1 default 10 20 = c1-1
c2-2 get k1 default 30 40 = missing`, NotLinearizable},
		{"two concurrent puts, either order", `
c1-1 put k1 0 50 ok
c2-1 put k1 10 60 ok
c3-1 get k1 default 70 71 = c1-1
c3-2 get k1 consistent 70 71 = c2-1`, Linearizable},
		{"touching intervals are concurrent", `
c1-1 put k1 0 50 ok
c2-1 get k1 default 50 60 = missing`, Linearizable},
		{"concurrent reads disagree on the order of two puts", `
c1-1 put k1 0 50 ok
c2-1 put k1 0 50 ok
c3-1 get k1 default 60 70 = c1-1
c4-1 get k1 default 60 70 = c2-1`, NotLinearizable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := check(t, tc.hist)
			if tc.want == Linearizable {
				for mode := range vs {
					wantVerdict(t, vs, mode, Linearizable)
				}
			} else {
				wantVerdict(t, vs, "default", tc.want)
			}
		})
	}
}

// Check-and-set, with the index a read saw and with create-only index 0.
func TestCAS(t *testing.T) {
	const base = `
c1-1 put k1 0 10 ok
c2-1 get k1 stale 12 14 = c1-1@7
c1-2 put k1 20 30 ok
`
	for _, tc := range []struct {
		name, hist, want string
	}{
		{"index of an overwritten value fails", "c2-2 cas k1 @7 40 50 false", Linearizable},
		{"index of an overwritten value cannot succeed", "c2-2 cas k1 @7 40 50 ok", NotLinearizable},
		{"concurrent with the overwrite, either", "c2-2 cas k1 @7 15 25 ok\nc2-3 get k1 default 60 61 = c1-2", Linearizable},
		{"create-only on a present key cannot succeed", "c2-2 cas k1 @0 40 50 ok", NotLinearizable},
		{"create-only on a present key fails", "c2-2 cas k1 @0 40 50 false", Linearizable},
		{"a failure on the current value is wrong", "c2-2 get k1 default 40 41 = c1-2@9\nc2-3 cas k1 @9 42 50 false", NotLinearizable},
		{"an index no read saw succeeds, conservatively", "c2-2 cas k1 @99 40 50 ok\nc2-3 get k1 default 60 61 = c2-2", Linearizable},
		{"a 4xx cas is dropped: its value cannot be read", "c2-2 cas k1 @0 40 50 fail\nc2-3 get k1 default 60 61 = c2-2", NotLinearizable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := check(t, base+tc.hist)
			// A cas is a write: its anomaly fails every mode. A default read's, only default.
			for mode, v := range vs {
				if strings.Contains(tc.hist, "default") && mode != "default" {
					continue
				}
				if v.Result != tc.want {
					t.Errorf("%s: %s, want %s: %v", mode, v.Result, tc.want, explanations(v))
				}
			}
		})
	}
}

// Failed and unknown reads carry no information: a read of garbage that failed is dropped.
func TestFailedReadsDropped(t *testing.T) {
	vs := check(t, `
c1-1 put k1 0 10 ok
c2-1 get k1 default 20 21 fail
c2-2 get k1 default 22 - x
c2-3 get k1 default 23 24 unknown
c2-4 get k1 default 25 26 = c1-1
`)
	if v := wantVerdict(t, vs, "default", Linearizable); v.Reads != 1 {
		t.Errorf("%d reads checked, want the 1 answered", v.Reads)
	}
}

// Each anomaly is explained and left out, so the count covers every bad read.
func TestAnomaliesCounted(t *testing.T) {
	v := wantVerdict(t, check(t, `
c1-1 put k1 0 10 ok
c1-2 put k1 20 30 ok
c1-3 put k2 0 10 ok
c1-4 put k2 20 30 ok
c2-1 get k1 stale 40 41 = c1-1
c2-2 get k1 stale 42 43 = c1-2
c2-3 get k1 stale 44 45 = c1-1
c2-4 get k2 stale 44 45 = c1-3
`), "stale", NotLinearizable)
	var ids []string
	for _, a := range v.Anomalies {
		ids = append(ids, a.OpID)
	}
	if got := strings.Join(ids, " "); got != "c2-1 c2-3 c2-4" || v.AnomalyCount != 3 || v.AnomaliesAtLeast {
		t.Errorf("anomalies %q (count %d, at least %t), want c2-1 c2-3 c2-4", got, v.AnomalyCount, v.AnomaliesAtLeast)
	}
}

// When porcupine runs out of time the verdict is unknown, never a violation.
func TestTimeoutIsUnknown(t *testing.T) {
	// 24 concurrent puts, each value read by a concurrent get, and after them a read of a
	// value nobody wrote: disproving it means trying every set of the puts.
	var b strings.Builder
	for i := range 24 {
		fmt.Fprintf(&b, "c%d-1 put k1 0 100 ok\nr%d-1 get k1 default 0 100 = c%d-1\n", i+1, i+1, i+1)
	}
	b.WriteString("c99-1 get k1 default 200 201 = c0-0\nc99-2 get k2 default 200 201 = missing\n")
	start := time.Now()
	vs, _ := CheckLinearizability(parseOps(t, b.String()), 100*time.Millisecond)
	v := wantVerdict(t, vs, "default", VerdictUnknown)
	if strings.Join(v.UnknownKeys, ",") != "k1" {
		t.Errorf("unknown keys %v, want k1 only", v.UnknownKeys)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a 100 ms timeout took %s", d)
	}
}

// Linearizability reads the events themselves and reports a broken stream.
func TestLinearizabilityFromEvents(t *testing.T) {
	evs := []event.Event{
		{T: 1e9, Type: event.OpCall, Client: "c1", OpID: "c1-1", Op: event.OpPut, Key: "k1", Value: "c1-1", Via: "server-1"},
		{T: 2e9, Type: event.OpReturn, Client: "c1", OpID: "c1-1", Op: event.OpPut, Status: event.StatusOK, Code: 200},
		{T: 3e9, Type: event.OpCall, Client: "c1", OpID: "c1-2", Op: event.OpGet, Key: "k1", Mode: "stale", Via: "server-2"},
		{T: 4e9, Type: event.OpReturn, Client: "c1", OpID: "c1-2", Op: event.OpGet, Status: event.StatusOK, Code: 404, Found: new(bool)},
	}
	vs, err := Linearizability(NewRun(evs), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	v := wantVerdict(t, vs, "stale", NotLinearizable)
	if len(vs) != 1 || v.Staleness == nil || v.Staleness.Behind != 1 {
		t.Errorf("verdicts %v, staleness %+v", vs, v.Staleness)
	}
	if _, err := Linearizability(NewRun(append(evs, evs[3])), time.Second); err == nil {
		t.Error("a stream with an op returned twice gave no error")
	}
}

// An operation kind the model does not know is a harness bug, reported as an error.
func TestUnknownOpKind(t *testing.T) {
	ops := parseOps(t, "c1-1 put k1 0 10 ok")
	ops[0].Kind = "append"
	if _, err := CheckLinearizability(ops, time.Second); err == nil || !strings.Contains(err.Error(), `c1-1 has unknown kind "append"`) {
		t.Errorf("err = %v", err)
	}
}

// Unknown writes nothing observes are pruned before the search; the verdict must be the one
// the full search gives, including when only a failed cas needs the unknown write.
func TestPruneUnobservedKeepsVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name, hist, want string
		kept             int // operations of the history left after pruning
	}{
		{"unread unknown put pruned", "c1-1 put k1 0 10 ok\nc1-2 put k1 20 - unknown\nc2-1 get k1 default 100 101 = c1-1@7", Linearizable, 2},
		{"read unknown put kept", "c1-1 put k1 0 10 ok\nc1-2 put k1 20 - unknown\nc2-1 get k1 default 100 101 = c1-2", Linearizable, 3},
		{"a stale read after a newer ack is still caught", "c1-1 put k1 0 10 ok\nc1-2 put k1 20 - unknown\nc1-3 put k1 30 40 ok\nc2-1 get k1 default 100 101 = c1-1@7", NotLinearizable, 3},
		// c2-2 failed at 50: the value was not c1-1 then. Only the unknown c1-2 can explain
		// it, so c1-2 must stay.
		{"unknown put explains a later failed cas", "c1-1 put k1 0 10 ok\nc2-1 get k1 stale 11 12 = c1-1@7\nc1-2 put k1 20 - unknown\nc2-2 cas k1 @7 50 60 false", Linearizable, 4},
		{"without it the failed cas is wrong", "c1-1 put k1 0 10 ok\nc2-1 get k1 stale 11 12 = c1-1@7\nc2-2 cas k1 @7 50 60 false", NotLinearizable, 3},
		{"unknown cas no one expected pruned", "c1-1 put k1 0 10 ok\nc2-1 get k1 stale 11 12 = c1-1@7\nc1-2 cas k1 @7 20 - unknown\nc2-3 get k1 stale 100 101 = c1-1@7", Linearizable, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops := parseOps(t, tc.hist)
			mode := "stale"
			if strings.Contains(tc.hist, "default") {
				mode = "default"
			}
			hist, _, _ := kvHistory(ops, mode)
			if n := len(pruneUnobserved(hist)); n != tc.kept {
				t.Errorf("%d operations kept after pruning, want %d", n, tc.kept)
			}
			vs := check(t, tc.hist)
			for mode, v := range vs {
				if strings.Contains(tc.hist, "default") && mode != "default" {
					continue
				}
				if v.Result != tc.want {
					t.Errorf("%s: %s, want %s: %v", mode, v.Result, tc.want, explanations(v))
				}
			}
		})
	}
}
