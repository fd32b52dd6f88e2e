package sim_test

import (
	"context"
	"slices"
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

// statuses returns, per observer, the member statuses it reported for member, in order.
// statuses returns how each node saw member change, up to the liveness phase (which
// restarts crashed nodes: a scenario's story ends where it begins).
func statuses(evs []event.Event, member string) map[string][]string {
	out := map[string][]string{}
	for _, ev := range evs {
		if ev.Type == event.LivenessStart {
			break
		}
		if ev.Type == event.Member && ev.Member == member {
			out[ev.Node] = append(out[ev.Node], ev.Status)
		}
	}
	return out
}

// runTwice runs spec twice at once (the machine's two cores), and checks that the two
// streams are identical, byte for byte.
func runTwice(t *testing.T, spec runspec.Spec) *sim.Result {
	t.Helper()
	r := sharedRunner(t)
	var wg sync.WaitGroup
	res := make([]*sim.Result, 2)
	errs := make([]error, 2)
	for i := range res {
		wg.Go(func() { res[i], errs[i] = r.Run(context.Background(), spec, sim.Options{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d of %s: %v", i, spec.Scenario.Name, err)
		}
	}
	if res[0].StreamHash() != res[1].StreamHash() {
		t.Fatalf("%s seed %d twice gave different streams; first difference at line %d",
			spec.Scenario.Name, spec.Seed, firstDiffLine(res[0].Stream, res[1].Stream))
	}
	return res[0]
}

// judgedTwice runs built-in name at seed 1 twice (runTwice) and judges the run, failing
// on each of the scenario's expectations that does not hold.
func judgedTwice(t *testing.T, name string) (*sim.Result, reports.Summary) {
	t.Helper()
	sc := builtin(t, name)
	res := runTwice(t, runspec.Spec{Scenario: sc, Seed: 1})
	s := reports.Judge(&sc, checker.NewRun(res.Events), res.Stream, 0)
	for _, x := range s.Expectations {
		if !x.OK {
			t.Errorf("expectation %s failed: %s", x.Name, x.Detail)
		}
	}
	return res, s
}

// gossip-100, as `consim run gossip-100 --seed 1` runs it: every user event reaches every
// live member exactly once, in Lamport order per origin, within a second; the failed
// client is failed everywhere; the query is answered by the three servers; and the run
// replays byte for byte.
func TestGossip100(t *testing.T) {
	if testing.Short() {
		t.Skip("a 100-node run: about 20 s of wall time")
	}
	res := runTwice(t, runspec.Spec{Scenario: builtin(t, "gossip-100"), Seed: 1})
	sum := reports.NewSummary(res.Events, res.Stream, res.Wall)
	u := sum.UserEvents
	if u == nil {
		t.Fatal("summary has no user_events")
	}
	// 9 events owed to the 99 members that stay up, the clients-only one to 96.
	if u.Fired != 10 || u.Rejected != 0 || u.ExpectedDeliveries != 9*99+96 || u.Missing != 0 ||
		u.Duplicates != 0 || u.OutOfOrder != 0 || u.Unexpected != 0 {
		t.Errorf("user_events %+v", *u)
	}
	if l := u.LatencyMS; l == nil || l.P99 >= 1000 || l.Max >= 2000 {
		t.Errorf("delivery latency %+v ms: want p99 under 1 s of virtual time on a LAN", l)
	} else {
		t.Logf("delivery latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; %.1f virtual s in %.1f wall s (%.1fx)",
			l.P50, l.P99, l.Max, sum.VirtualSeconds, sum.WallSeconds, sum.Speedup)
	}
	if q := sum.Queries; q == nil || *q != (checker.QueryStats{Fired: 1, Delivered: 3, Acks: 3, Responses: 3}) {
		t.Errorf("queries %+v", q)
	}
	// client-50 crashed at 16s: every other node reports it failed, none left.
	for obs, st := range statuses(res.Events, "client-50") {
		if obs == "client-50" {
			continue
		}
		if !slices.Equal(st, []string{"alive", "failed"}) {
			t.Errorf("%s reported client-50 as %v, want alive, failed", obs, st)
		}
	}
	if n := len(statuses(res.Events, "client-50")); n != 100 {
		t.Errorf("%d nodes reported on client-50", n)
	}
	suspects := 0
	for _, ev := range res.Events {
		if ev.Type == event.MemberSuspect && ev.Member == "client-50" {
			suspects++
		}
	}
	if suspects == 0 {
		t.Error("nobody suspected client-50 before declaring it failed")
	}
	// The clients-only event: delivered on clients, never on servers.
	for _, ev := range res.Events {
		if ev.Type == event.UserEvent && ev.Name == "restart" && (ev.Node == "server-1" || ev.Node == "server-2" || ev.Node == "server-3") {
			t.Errorf("the clients-only event was delivered on %s", ev.Node)
		}
	}
}

// graceful-leave: the client and the server that leave are leaving then left on every
// node, never failed; the crashed client is failed; the client that rejoins delivers
// only the event fired after it joined; handlers saw the leave and the failure.
func TestGracefulLeave(t *testing.T) {
	sc := builtin(t, "graceful-leave")
	res := runTwice(t, runspec.Spec{Scenario: sc, Seed: 1})
	// Its expectations hold: gossip converged within a minute (memberlist's anti-entropy
	// repairs what its broadcasts missed) before the churn.
	for _, x := range reports.Failed(reports.Judge(&sc, checker.NewRun(res.Events), res.Stream, 0).Expectations) {
		t.Errorf("expectation %s failed: %s", x.Name, x.Detail)
	}
	// Who was running when: client-3 left at 70s and came back at 85s, server-3 left at
	// 75s, client-5 crashed at 80s. A node that was down saw nothing meanwhile.
	for _, m := range []string{"client-3", "server-3"} {
		st := statuses(res.Events, m)
		if len(st) != 8 {
			t.Errorf("%d nodes reported on %s", len(st), m)
		}
		for obs, s := range st {
			want := []string{"alive", "leaving", "left"}
			switch {
			case m == "server-3" && obs == "client-3":
				want = []string{"alive"} // it had left already, and came back after
			case m == "client-3" && (obs == "server-1" || obs == "server-2" || obs == "client-1" || obs == "client-2" || obs == "client-4"):
				want = append(want, "alive") // it came back at 85s
			case m == "client-3" && obs == "client-3":
				want = append(want, "alive") // its second life sees itself
			}
			if !slices.Equal(s, want) {
				t.Errorf("%s reported %s as %v, want %v", obs, m, s, want)
			}
		}
	}
	// client-3 was gone when client-5 crashed but is back at 85s: it is owed the failure
	// verdict only if its second life knew client-5 alive before the verdict. A rejoin
	// while the others only suspect client-5 does not teach it client-5 (memberlist
	// ignores a suspect node it has never heard of), so then it learns of client-5 only
	// when client-5 restarts (the stream's timing decides which).
	var failedAt, client3Back float64 = -1, -1
	for _, ev := range res.Events {
		switch {
		case ev.Type == event.Member && ev.Member == "client-5" && ev.Status == event.StatusFailed && failedAt < 0:
			failedAt = ev.T.D().Seconds()
		case ev.Type == event.NodeUp && ev.Node == "client-3":
			client3Back = ev.T.D().Seconds()
		}
	}
	client3KnewAgain := false
	for _, ev := range res.Events {
		t := ev.T.D().Seconds()
		if ev.Type == event.Member && ev.Node == "client-3" && ev.Member == "client-5" && ev.Status == event.StatusAlive && t > client3Back && t < failedAt {
			client3KnewAgain = true
		}
	}
	for obs, s := range statuses(res.Events, "client-5") {
		want := []string{"alive", "failed"}
		switch {
		case obs == "client-5" || obs == "server-3":
			want = []string{"alive"} // itself, and one that was gone from before it crashed
		case obs == "client-3" && !client3KnewAgain:
			want = []string{"alive"} // gone, or not yet told of client-5, when it was declared failed
		}
		if !slices.Equal(s, want) {
			t.Errorf("%s reported the crashed client-5 as %v, want %v", obs, s, want)
		}
	}
	var v1, v2 []string
	downs := map[string]string{}
	handled := map[string]bool{}
	for _, ev := range res.Events {
		switch {
		case ev.Type == event.UserEvent && ev.LTime == 1:
			v1 = append(v1, ev.Node)
		case ev.Type == event.UserEvent && ev.LTime == 2:
			v2 = append(v2, ev.Node)
		case ev.Type == event.NodeDown:
			downs[ev.Node] = ev.Reason
		case ev.Type == event.Handler && ev.Node == "server-1":
			for _, m := range ev.Members {
				handled[ev.EventName+" "+m] = true
			}
		}
	}
	slices.Sort(v1)
	slices.Sort(v2)
	if !slices.Equal(v1, []string{"client-1", "client-2", "client-3", "client-4", "client-5", "server-1", "server-2", "server-3"}) {
		t.Errorf("v1 (65s) delivered on %v", v1)
	}
	// At 90s: client-3 is back (and gets it), server-3 and client-5 are gone.
	if !slices.Equal(v2, []string{"client-1", "client-2", "client-3", "client-4", "server-1", "server-2"}) {
		t.Errorf("v2 (90s) delivered on %v", v2)
	}
	if downs["client-3"] != event.ReasonLeave || downs["server-3"] != event.ReasonLeave || downs["client-5"] != event.ReasonCrash {
		t.Errorf("node_down reasons %v", downs)
	}
	for _, want := range []string{"member-leave client-3", "member-leave server-3", "member-failed client-5", "member-join client-3"} {
		if !handled[want] {
			t.Errorf("server-1's membership handler never saw %s (saw %v)", want, handled)
		}
	}
	// v1 is owed to the 5 nodes that stay up, v2 to the 6 up at 90s.
	sum := reports.NewSummary(res.Events, res.Stream, 0)
	if u := sum.UserEvents; u == nil || u.Missing != 0 || u.Duplicates != 0 || u.Unexpected != 0 || u.ExpectedDeliveries != 5+6 {
		t.Errorf("user_events %+v", u)
	}
}

// Bad input the file cannot rule out is behaviour, not a harness failure: a join to an
// address where no node listens fails, is recorded, and the cluster keeps running. (And
// C joining through A, like B, learns of B by gossip.)
func TestJoinToNowhereKeepsRunning(t *testing.T) {
	sc := scenarios.Scenario{
		Name: "join-nowhere", Duration: scenarios.Duration(20 * time.Second),
		Cluster: scenarios.Cluster{Servers: 1, Clients: 2},
		Actions: []scenarios.Action{
			{At: scenarios.Duration(2 * time.Second), Join: &scenarios.JoinAction{Node: "client-1", Via: "127.0.9.9:8301"}},
			{At: scenarios.Duration(15 * time.Second), Event: &scenarios.EventAction{From: "client-2", Name: "after"}},
		},
	}
	sc.ApplyDefaults()
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	res := runSpec(t, runspec.Spec{Scenario: sc, Seed: 3}, sim.Options{})
	var failed *event.Event
	delivered := 0
	for i, ev := range res.Events {
		if ev.Type == event.Join && ev.Addr == "127.0.9.9:8301" {
			failed = &res.Events[i]
		}
		if ev.Type == event.UserEvent && ev.Name == "after" {
			delivered++
		}
	}
	if failed == nil || failed.Reason == "" || failed.T.D() < 2*time.Second {
		t.Fatalf("the join to nowhere was not recorded as failed: %+v", failed)
	}
	t.Logf("at %s: %s", failed.T, failed.Reason)
	if delivered != 3 {
		t.Errorf("the event after the failed join reached %d of 3 nodes", delivered)
	}
	// Both clients joined through server-1 only, and learned of each other by gossip.
	for _, pair := range [][2]string{{"client-1", "client-2"}, {"client-2", "client-1"}} {
		if st := statuses(res.Events, pair[1])[pair[0]]; !slices.Equal(st, []string{"alive"}) {
			t.Errorf("%s reported %s as %v, want alive", pair[0], pair[1], st)
		}
	}
}
