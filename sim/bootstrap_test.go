package sim_test

import (
	"slices"
	"testing"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// bootstrap_expect: 3 with 5 servers started in a random order: the servers find each
// other through gossip, exactly one leader is elected, no second cluster forms, and every
// server ends up a voter of the one configuration.
func TestBootstrapExpectElectsExactlyOneLeader(t *testing.T) {
	sc := scenarios.Scenario{
		Name: "bootstrap-expect", Duration: scenarios.Duration(20 * time.Second),
		Cluster: scenarios.Cluster{Servers: 5, Clients: 1, BootstrapExpect: 3},
	}
	sc.ApplyDefaults()
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	all := []string{"server-1", "server-2", "server-3", "server-4", "server-5"}
	for seed := uint64(1); seed <= 3; seed++ {
		res := runSpec(t, runspec.Spec{Scenario: sc, Seed: seed}, sim.Options{})
		var order []string
		leaders := map[uint64]string{}
		lastConfig := map[string][]string{}
		for _, ev := range res.Events {
			switch {
			case ev.Type == event.NodeUp && ev.Role == event.RoleServer:
				order = append(order, ev.Node)
			case ev.Type == event.RaftState && ev.State == "leader":
				if other, ok := leaders[ev.Term]; ok && other != ev.Node {
					t.Errorf("seed %d: two leaders in term %d: %s and %s", seed, ev.Term, other, ev.Node)
				}
				leaders[ev.Term] = ev.Node
			case ev.Type == event.RaftConfig:
				lastConfig[ev.Node] = ev.Voters
			}
		}
		if len(leaders) != 1 {
			t.Errorf("seed %d: %d elections won (%v), want exactly one", seed, len(leaders), leaders)
		}
		if end := res.Events[len(res.Events)-1]; len(end.Leaders) != 1 {
			t.Errorf("seed %d: leaders at the end: %v", seed, end.Leaders)
		}
		for _, s := range all {
			if !slices.Equal(lastConfig[s], all) {
				t.Errorf("seed %d: %s ends with voters %v, want all five", seed, s, lastConfig[s])
			}
		}
		if slices.Equal(order, all) {
			t.Errorf("seed %d: servers started in name order; bootstrap_expect runs must shuffle them", seed)
		}
	}
}
