package sim_test

import (
	"testing"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// leaveWhileSuspecting: client-2 hears nothing from anyone from 8 s (its own packets and
// streams still go out), so it suspects the members it probes; it leaves at 10 s with
// suspicion timers running (24 s on LAN with no confirmations), which memberlist does not
// stop at Shutdown.
const leaveWhileSuspecting = `
name: leave-while-suspecting
duration: 40s
cluster: {servers: 3, clients: 2}
network:
  latency: {dist: normal, mean: 2ms, stddev: 500us}
faults:
  - {at: 8s, one_way: {from: [server-1, server-2, server-3, client-1], to: [client-2]}}
actions:
  - {at: 10s, leave: client-2}
`

// A node that left says nothing more, as a crashed one: neither its log lines (--trace)
// nor member verdicts reach the stream after its node_down. Before, the leaver's dead
// memberlist finished its probe and, 24 s after suspecting them, declared running members
// failed under its name: false failures, and after a rejoin the next life's view
// (graceful-leave seeds 1-3, TestGracefulLeave).
func TestLeftNodeSaysNothing(t *testing.T) {
	sc, err := scenarios.Parse("leave-while-suspecting.yaml", []byte(leaveWhileSuspecting))
	if err != nil {
		t.Fatal(err)
	}
	res := runSpec(t, runspec.Spec{Scenario: *sc, Seed: 1, Trace: true}, sim.Options{})
	var down event.Time = -1
	suspected := map[string]event.Time{} // by client-2, not failed by it before its node_down
	for _, ev := range res.Events {
		switch {
		case ev.Type == event.NodeDown && ev.Node == "client-2":
			down = ev.T
		case down >= 0 && ev.Node == "client-2":
			t.Errorf("client-2 left at %.3f s, then said: %s", down.Seconds(), ev.Describe())
		case ev.Type == event.MemberSuspect && ev.Node == "client-2":
			suspected[ev.Member] = ev.T
		case ev.Type == event.Member && ev.Node == "client-2" && ev.Status == event.StatusFailed:
			delete(suspected, ev.Member)
		}
	}
	if down < 0 {
		t.Fatal("client-2 never went down")
	}
	// Not vacuous: a suspicion of client-2's was still running when it went down, and its
	// timer (24 s at most) ran out before the end of the run.
	pending := false
	for m, at := range suspected {
		t.Logf("client-2 suspected %s at %.3f s, still pending at its node_down", m, at.Seconds())
		pending = pending || at.D()+24*time.Second < sc.Duration.D()
	}
	if !pending {
		t.Errorf("no suspicion of client-2's outlived it within the run: the test shows nothing (suspected %v)", suspected)
	}
}
