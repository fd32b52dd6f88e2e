package gen

import (
	"flag"
	"reflect"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
)

// Every step of Smaller is a valid scenario that differs from the one it came from.
func TestSmallerStepsAreValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := Scenario(Options{}).Draw(t, "scenario")
		before := string(sc.Canonical())
		for _, c := range Smaller(sc) {
			if err := c.Validate(); err != nil {
				t.Fatalf("an invalid step: %v\n%s", err, c.Canonical())
			}
			if string(c.Canonical()) == before {
				t.Fatalf("a step that changes nothing:\n%s", before)
			}
			if c.Seed != sc.Seed || c.Bugs == nil && sc.Bugs != nil {
				t.Fatalf("a step changed the seed or the bugs")
			}
		}
		if string(sc.Canonical()) != before {
			t.Fatal("Smaller changed the scenario it was given")
		}
	})
}

// Greedy shrinking with Smaller, for a failure that needs a stalled-leader-cut package and
// three servers, ends at that package alone in the simplest scenario around
// it: whatever the scenario it started from, the fault that matters stays, moved to
// the start of the workload, and everything else goes.
func TestSmallerKeepsTheFaultThatMatters(t *testing.T) {
	fails := func(s *scenarios.Scenario) bool {
		parts := 0
		for _, f := range s.Faults {
			if faultGroup(f.Name) != f.Name && f.Name[:len(KindStalledLeaderCut)] == KindStalledLeaderCut {
				parts++
			}
		}
		return parts == 2 && s.Cluster.Servers >= 3
	}
	// Each check shrinks a whole scenario step by step: a few are enough.
	old := flag.Lookup("rapid.checks").Value.String()
	flag.Set("rapid.checks", "20")
	t.Cleanup(func() { flag.Set("rapid.checks", old) })
	rapid.Check(t, func(t *rapid.T) {
		sc := Scenario(Options{Kinds: []string{KindCrash, KindStalledLeaderCut, KindNICFlap}}).Draw(t, "scenario")
		if !fails(sc) {
			t.Skip("no stalled-leader-cut")
		}
		for steps := 0; ; steps++ {
			if steps > 1000 {
				t.Fatal("no end in 1000 steps")
			}
			next := Smaller(sc)
			i := slices.IndexFunc(next, fails)
			if i < 0 {
				break
			}
			sc = next[i]
		}
		w := sc.Workload
		var end scenarios.Duration
		first := sc.Duration
		for _, f := range sc.Faults {
			end, first = max(end, f.At+f.For), min(first, f.At)
		}
		if len(sc.Faults) != 2 || sc.Cluster.Servers != 3 || sc.Cluster.Clients != 0 || len(sc.Actions) != 0 ||
			len(sc.Network.NICs) != 0 || sc.Disk.WriteLatency != 0 ||
			w.Clients != 1 || w.Rate != 1 || w.Keys != 1 || len(w.Via) != 1 || w.Mix.CAS != 0 ||
			len(w.ReadModes) != 1 || first.D() >= workloadStart+time.Second ||
			sc.Duration < end || sc.Duration > max(scenarios.Duration(MinDuration), end+scenarios.Duration(time.Second)) {
			t.Fatalf("shrank to a scenario that is not the simplest with the package:\n%s", sc.Canonical())
		}
	})
}

// Smaller takes lock clients and services away, with their expectations, and keeps the
// failing check's instance when it drops a server.
func TestSmallerDropsLocksAndServices(t *testing.T) {
	sc, err := scenarios.Parse("s.yaml", []byte(`name: s
duration: 20s
seed: 3
cluster: {servers: 3}
workload:
  locks: {clients: 3, ttl: 10s, lock_delay: 25s, fenced: true}
services:
  - {name: web, nodes: [server-1], checks: [{interval: 1s, status: passing, script: [{at: 0s, exit: 0}, {at: 8s, exit: 2}]}]}
  - {name: web, nodes: [server-2, server-3], checks: [{interval: 1s, status: passing, script: [{at: 0s, exit: 0}]}]}
discovery: {rate: 4/s, interfaces: [dns, http]}
expect: {lock_overlaps: 0, fenced_out_of_order: 0, discovery_lag_max: 3s}
`))
	if err != nil {
		t.Fatal(err)
	}
	var noLocks, noServices, twoLockClients, oneInstance, smallerCluster bool
	for _, s := range Smaller(sc) {
		switch {
		case s.Workload.Locks == nil:
			noLocks = s.Expect.LockOverlaps == nil && s.Expect.FencedOutOfOrder == nil
		case s.Workload.Locks.Clients == 2:
			twoLockClients = true
		}
		switch {
		case len(s.Services) == 0:
			noServices = s.Discovery == nil && s.Expect.DiscoveryLagMax == 0
		case len(s.Services) == 1:
			oneInstance = true
		}
		if s.Cluster.Servers == 2 {
			smallerCluster = reflect.DeepEqual(s.Services[0].Nodes, []string{"server-1"}) && reflect.DeepEqual(s.Services[1].Nodes, []string{"server-2"})
		}
	}
	if !noLocks || !noServices || !twoLockClients || !oneInstance || !smallerCluster {
		t.Errorf("without locks %v, without services %v, 2 lock clients %v, 1 instance %v, 2 servers keeping the failing instance %v",
			noLocks, noServices, twoLockClients, oneInstance, smallerCluster)
	}
}

// Smaller jumps to three servers and to half of them, not only one server less.
func TestSmallerJumpsToFewerServers(t *testing.T) {
	sc, err := scenarios.Parse("s.yaml", []byte("name: s\nduration: 10s\ncluster: {servers: 7}\nworkload: {rate: 2/s}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, s := range Smaller(sc) {
		if s.Cluster.Servers != 7 {
			sizes = append(sizes, s.Cluster.Servers)
		}
	}
	if !reflect.DeepEqual(sizes, []int{3, 4, 6}) {
		t.Errorf("smaller clusters %v, want [3 4 6]", sizes)
	}
}
