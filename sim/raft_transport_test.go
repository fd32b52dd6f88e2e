package sim_test

import (
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// leader-isolation with network.raft_transport: fast replays byte for byte, isolates the
// leader of the moment twice, elects a new one each time and meets every expectation;
// and its raft traffic is messages, not raft's own encoding (the switch reaches the world).
func TestFastRaftTransport(t *testing.T) {
	sc := builtin(t, "leader-isolation")
	sc.Network.RaftTransport = scenarios.RaftTransportFast
	res := runTwice(t, runspec.Spec{Scenario: sc, Seed: sc.Seed})
	s := reports.Judge(&sc, checker.NewRun(res.Events), res.Stream, 0)
	if s.Liveness == nil || !s.Liveness.Converged {
		t.Errorf("liveness phase did not converge: %+v", s.Liveness)
	}
	for _, x := range reports.Failed(s.Expectations) {
		t.Errorf("expectation %s failed: %s", x.Name, x.Detail)
	}
	checkIsolateLeader(t, res.Events, s)
	// The header names the scenario, so compare what the run did: raft's RPCs as
	// messages count an estimate of their size, well under msgpack's bytes.
	def := builtin(t, "leader-isolation")
	other := runSpec(t, runspec.Spec{Scenario: def, Seed: def.Seed}, sim.Options{})
	fast, slow := res.Events[len(res.Events)-1].Net, other.Events[len(other.Events)-1].Net
	if fast == nil || slow == nil || fast.StreamBytes >= slow.StreamBytes {
		t.Fatalf("stream bytes with the fast transport %+v, with raft's own %+v: want fewer", fast, slow)
	}
}
