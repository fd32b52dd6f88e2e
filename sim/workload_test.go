package sim_test

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// shortReadLatency is the built-in read-latency scenario cut to 12 virtual seconds: 7 s
// of workload after the 5 s start, about 750 operations.
func shortReadLatency(t testing.TB) runspec.Spec {
	sc := builtin(t, "read-latency")
	sc.Duration = scenarios.Duration(12 * time.Second)
	return runspec.Spec{Scenario: sc, Seed: 1}
}

var (
	readLatencyOnce sync.Once
	readLatencyRes  *sim.Result
)

// readLatencyRun runs shortReadLatency once for every test that reads it.
func readLatencyRun(t *testing.T) *sim.Result {
	t.Helper()
	readLatencyOnce.Do(func() { readLatencyRes = runSpec(t, shortReadLatency(t), sim.Options{}) })
	if readLatencyRes == nil {
		t.Fatal("the read-latency run failed in an earlier test")
	}
	return readLatencyRes
}

// A workload is part of the run: the same seed replays it byte for byte, and another
// seed draws other operations.
func TestWorkloadSameSeedSameStream(t *testing.T) {
	a := readLatencyRun(t)
	b := runSpec(t, shortReadLatency(t), sim.Options{})
	if !bytes.Equal(a.Stream, b.Stream) {
		t.Fatalf("seed 1 twice gave different streams (%d vs %d bytes); first difference at line %d",
			len(a.Stream), len(b.Stream), firstDiffLine(a.Stream, b.Stream))
	}
	ops, err := checker.History(a.Events)
	if err != nil || len(ops) < 300 {
		t.Fatalf("want a few hundred operations, got %d (%v)", len(ops), err)
	}
	spec := shortReadLatency(t)
	spec.Seed = 2
	c := runSpec(t, spec, sim.Options{})
	other, _ := checker.History(c.Events)
	same := 0
	for i := range min(len(ops), len(other)) {
		if ops[i].ID == other[i].ID && ops[i].Kind == other[i].Kind && ops[i].Key == other[i].Key && ops[i].Mode == other[i].Mode {
			same++
		}
	}
	if same > len(ops)/2 {
		t.Errorf("seeds 1 and 2 drew the same operation for %d of %d calls: the workload ignores the seed", same, len(ops))
	}
}

// In a healthy cluster every call returns ok (the mix has no cas, so nothing can fail),
// goes to the agent its client is pinned to, and only a request cut by the end of the run
// lacks a return.
func TestWorkloadHealthyHistory(t *testing.T) {
	res := readLatencyRun(t)
	ops, err := checker.History(res.Events)
	if err != nil {
		t.Fatal(err)
	}
	wantRole := map[string]string{"c1": event.ViaRoleLeader, "c2": event.ViaRoleFollower, "c3": event.ViaRoleClient}
	inFlight := map[string]int{}
	kinds := map[string]int{}
	for _, op := range ops {
		if op.Client == event.FinalClient {
			continue // the final reads after the liveness phase: checked by the lost-writes checker
		}
		kinds[op.Kind+"/"+op.Mode]++
		if op.Call.D() < 5*time.Second {
			t.Errorf("%s called at %s s, before the workload's start at 5 s", op.ID, op.Call)
		}
		if op.ViaRole != wantRole[op.Client] {
			t.Errorf("%s went to %s (%s), want its client's target role %s", op.ID, op.Via, op.ViaRole, wantRole[op.Client])
		}
		switch {
		case !op.Returned:
			inFlight[op.Client]++
		case op.Status != event.StatusOK:
			t.Errorf("%s (%s %s via %s) returned %s (code %d, %q) in a healthy cluster", op.ID, op.Kind, op.Key, op.Via, op.Status, op.Code, op.Error)
		}
	}
	for client, n := range inFlight {
		if n > 1 {
			t.Errorf("closed-loop client %s has %d requests in flight at the end", client, n)
		}
	}
	for _, k := range []string{"get/default", "get/consistent", "get/stale", "put/"} {
		if kinds[k] < 20 {
			t.Errorf("only %d %s operations: the mix is not being followed (%v)", kinds[k], k, kinds)
		}
	}
	problems, checked := readsSeeWrites(ops, scenarios.ModeConsistent)
	for _, p := range problems {
		t.Error(p)
	}
	if checked < 20 {
		t.Errorf("only %d consistent reads to check", checked)
	}
}

// readsSeeWrites checks every answered read of mode against the writes: it must
// return a value whose write had started before the read ended, and that no later write
// had completely replaced before the read started; a missing key must have had no write
// acknowledged before the read started (or a delete after it). This is what "a consistent
// read sees every acknowledged write" means for one key, without a full linearizability
// search. It returns the problems found and how many reads it checked.
func readsSeeWrites(ops []checker.Op, mode string) (problems []string, checked int) {
	writes := map[string][]kvWrite{}    // key -> acknowledged writes
	byValue := map[string]*checker.Op{} // value -> the put or cas that may have written it
	for i := range ops {
		op := &ops[i]
		if op.Kind == event.OpPut || op.Kind == event.OpCAS {
			if op.Status != event.StatusFail {
				byValue[op.Value] = op
			}
		}
		if op.Status != event.StatusOK {
			continue
		}
		switch op.Kind {
		case event.OpPut, event.OpCAS:
			writes[op.Key] = append(writes[op.Key], kvWrite{op: op})
		case event.OpDelete:
			writes[op.Key] = append(writes[op.Key], kvWrite{op: op, absent: true})
		}
	}
	for i := range ops {
		r := &ops[i]
		if r.Kind != event.OpGet || r.Mode != mode || r.Status != event.StatusOK {
			continue
		}
		checked++
		var from *checker.Op // the write whose value r returned; nil for a missing key
		if r.Found {
			from = byValue[r.Read]
			if from == nil || from.Key != r.Key {
				problems = append(problems, fmt.Sprintf("%s read %s = %q at %s s, a value no write of that key wrote", r.ID, r.Key, r.Read, r.Call))
				continue
			}
			if from.Call > r.Return {
				problems = append(problems, fmt.Sprintf("%s read %s = %q, written by %s which started at %s s, after the read returned at %s s", r.ID, r.Key, r.Read, from.ID, from.Call, r.Return))
			}
		}
		for _, w := range writes[r.Key] {
			if w.op.Return >= r.Call {
				continue // not acknowledged before the read started
			}
			if r.Found && w.op != from && w.op.Call > acked(from) {
				problems = append(problems, fmt.Sprintf("%s (%s, %s s to %s s) read %s = %q from %s, but %s (called %s s, acknowledged %s s) had replaced it before the read started",
					r.ID, mode, r.Call, r.Return, r.Key, r.Read, from.ID, w.op.ID, w.op.Call, w.op.Return))
			}
			if !r.Found && !w.absent && !deletedAfter(writes[r.Key], w.op, r) {
				problems = append(problems, fmt.Sprintf("%s (%s, %s s) found %s missing, but %s wrote it and was acknowledged at %s s", r.ID, mode, r.Call, r.Key, w.op.ID, w.op.Return))
			}
		}
	}
	return problems, checked
}

// acked is when op was acknowledged, or the end of time if it never was (unknown, in
// flight): such a write may take effect at any later moment.
func acked(op *checker.Op) event.Time {
	if op.Status != event.StatusOK {
		return event.Time(math.MaxInt64)
	}
	return op.Return
}

// kvWrite is an acknowledged write of one key.
type kvWrite struct {
	op     *checker.Op
	absent bool // a delete
}

// deletedAfter says whether some acknowledged delete of the key could have removed w's
// value before r returned.
func deletedAfter(ws []kvWrite, w, r *checker.Op) bool {
	for _, d := range ws {
		if d.absent && d.op.Return > w.Call && d.op.Call < r.Return {
			return true
		}
	}
	return false
}

// The latency the read modes are for, as properties of the run rather than wall-clock
// limits: through the leader a stale read costs no more than a default one, and a
// consistent read costs at least one more round trip (VerifyLeader); a put pays a raft
// commit and fsyncs on top of its round trip. 1ms links make a round trip 2ms.
func TestWorkloadLatencyOrdering(t *testing.T) {
	res := readLatencyRun(t)
	s := reports.NewSummary(res.Events, res.Stream, res.Wall)
	wl := s.Workload
	if wl == nil || wl.HistoryError != "" {
		t.Fatalf("workload summary: %+v", wl)
	}
	p50 := func(op, mode string) float64 {
		r, ok := wl.Row(op, mode, event.ViaRoleLeader)
		if !ok || r.P50MS == nil {
			t.Fatalf("no %s %s row via the leader", op, mode)
		}
		return *r.P50MS
	}
	stale, def, cons, put := p50("get", "stale"), p50("get", "default"), p50("get", "consistent"), p50("put", "")
	t.Logf("via the leader, p50: stale %.3f ms, default %.3f ms, consistent %.3f ms, put %.3f ms", stale, def, cons, put)
	if !(stale <= def && def <= cons) {
		t.Errorf("want stale <= default <= consistent, got %.3f, %.3f, %.3f ms", stale, def, cons)
	}
	if def < 2 {
		t.Errorf("a default read via the leader took %.3f ms, less than the 2ms round trip", def)
	}
	if cons-def < 2 {
		t.Errorf("consistent costs only %.3f ms more than default, want at least a round trip (2ms)", cons-def)
	}
	if put < def+4 {
		t.Errorf("a put (%.3f ms) costs less than a read (%.3f ms) plus two fsyncs (2ms each)", put, def)
	}
	// Through a follower, default and consistent reads are forwarded to the leader (one
	// more round trip) while stale reads are answered there.
	fr := func(mode string) float64 {
		r, ok := wl.Row("get", mode, event.ViaRoleFollower)
		if !ok || r.P50MS == nil {
			t.Fatalf("no get %s row via a follower", mode)
		}
		return *r.P50MS
	}
	if fr("default") < def+2 || fr("stale") > fr("default") {
		t.Errorf("via a follower: default %.3f ms (leader %.3f), stale %.3f ms", fr("default"), def, fr("stale"))
	}
}

// readsSeeWrites itself must catch what it is there for; hand-made histories of one key.
func TestReadsSeeWritesCatchesStaleReads(t *testing.T) {
	ms := func(v int) event.Time { return event.Time(time.Duration(v) * time.Millisecond) }
	put := func(id string, call, ret int, status string) checker.Op {
		return checker.Op{ID: id, Kind: event.OpPut, Key: "k0", Value: id, Call: ms(call), Return: ms(ret), Returned: true, Status: status}
	}
	get := func(id string, call, ret int, found bool, read string) checker.Op {
		return checker.Op{ID: id, Kind: event.OpGet, Mode: "consistent", Key: "k0", Call: ms(call), Return: ms(ret), Returned: true,
			Status: event.StatusOK, Found: found, Read: read}
	}
	del := checker.Op{ID: "c3-1", Kind: event.OpDelete, Key: "k0", Call: ms(30), Return: ms(35), Returned: true, Status: event.StatusOK}
	for _, tc := range []struct {
		name string
		ops  []checker.Op
		bad  bool
	}{
		{"reads the latest", []checker.Op{put("c1-1", 0, 5, "ok"), put("c1-2", 10, 15, "ok"), get("c2-1", 20, 22, true, "c1-2")}, false},
		{"reads a concurrent write", []checker.Op{put("c1-1", 0, 5, "ok"), put("c1-2", 10, 25, "ok"), get("c2-1", 20, 22, true, "c1-2")}, false},
		{"reads the old value while a write is pending", []checker.Op{put("c1-1", 0, 5, "ok"), put("c1-2", 10, 25, "ok"), get("c2-1", 20, 22, true, "c1-1")}, false},
		{"reads an unknown write", []checker.Op{put("c1-1", 0, 5, "ok"), put("c1-2", 10, 5000, "unknown"), get("c2-1", 20, 22, true, "c1-2")}, false},
		{"missing before any write", []checker.Op{get("c2-1", 0, 2, false, ""), put("c1-1", 1, 5, "ok")}, false},
		{"missing after a delete", []checker.Op{put("c1-1", 0, 5, "ok"), del, get("c2-1", 40, 42, false, "")}, false},
		{"stale: an overwritten value", []checker.Op{put("c1-1", 0, 5, "ok"), put("c1-2", 10, 15, "ok"), get("c2-1", 20, 22, true, "c1-1")}, true},
		{"stale: missing after a write", []checker.Op{put("c1-1", 0, 5, "ok"), get("c2-1", 20, 22, false, "")}, true},
		{"from the future", []checker.Op{get("c2-1", 0, 2, true, "c1-1"), put("c1-1", 3, 5, "ok")}, true},
		{"a value never written", []checker.Op{get("c2-1", 0, 2, true, "x")}, true},
		{"a value of a failed write", []checker.Op{put("c1-1", 0, 5, "fail"), get("c2-1", 20, 22, true, "c1-1")}, true},
		{"stale: found after a delete", []checker.Op{put("c1-1", 0, 5, "ok"), del, get("c2-1", 40, 42, true, "c1-1")}, true},
	} {
		problems, checked := readsSeeWrites(tc.ops, "consistent")
		if checked != 1 || (len(problems) > 0) != tc.bad {
			t.Errorf("%s: checked %d, problems %q; want bad=%v", tc.name, checked, problems, tc.bad)
		}
	}
}

// An open-loop workload with every kind of operation, through any agent: it replays
// byte for byte, every request is answered, check-and-sets both succeed and fail, and
// consistent reads see every acknowledged write, deletes included.
func TestWorkloadOpenLoopEveryOp(t *testing.T) {
	sc := scenarios.Scenario{
		Name: "open-loop", Duration: scenarios.Duration(9 * time.Second),
		Cluster:  scenarios.Cluster{Servers: 3, Clients: 1},
		Workload: &scenarios.Workload{Clients: 2, Rate: 25, Keys: 3, Mix: scenarios.Mix{Get: 4, Put: 2, CAS: 2, Delete: 1}, Start: scenarios.Duration(3 * time.Second)},
	}
	sc.ApplyDefaults()
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	a := runSpec(t, runspec.Spec{Scenario: sc, Seed: 3}, sim.Options{})
	b := runSpec(t, runspec.Spec{Scenario: sc, Seed: 3}, sim.Options{})
	if !bytes.Equal(a.Stream, b.Stream) {
		t.Fatalf("seed 3 twice gave different streams; first difference at line %d", firstDiffLine(a.Stream, b.Stream))
	}
	if last := a.Events[len(a.Events)-1]; last.Type != event.RunEnd {
		t.Fatalf("the stream ends with %s, not run_end", last.Type)
	}
	ops, err := checker.History(a.Events)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]int{}
	roles := map[string]bool{}
	for _, op := range ops {
		status[op.Kind+"/"+op.Status]++
		roles[op.ViaRole] = true
		if op.Status == event.StatusUnknown {
			t.Errorf("%s (%s %s via %s) returned unknown (code %d, %q) in a healthy cluster", op.ID, op.Kind, op.Key, op.Via, op.Code, op.Error)
		}
		if op.Status == event.StatusFail && op.Kind != event.OpCAS {
			t.Errorf("%s (%s) failed: %d %q", op.ID, op.Kind, op.Code, op.Error)
		}
	}
	t.Logf("%d ops: %v", len(ops), status)
	for _, k := range []string{"get/ok", "put/ok", "cas/ok", "cas/fail", "delete/ok"} {
		if status[k] == 0 {
			t.Errorf("no %s operation in %d: %v", k, len(ops), status)
		}
	}
	for _, r := range []string{event.ViaRoleLeader, event.ViaRoleFollower, event.ViaRoleClient} {
		if !roles[r] {
			t.Errorf("via any never reached a %s (%v)", r, roles)
		}
	}
	for _, mode := range []string{scenarios.ModeConsistent, scenarios.ModeDefault} {
		problems, checked := readsSeeWrites(ops, mode)
		for _, p := range problems {
			t.Error(p)
		}
		if checked < 10 {
			t.Errorf("only %d %s reads to check", checked, mode)
		}
	}
}
