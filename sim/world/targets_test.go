package world

import (
	"slices"

	"github.com/consim/consim/event"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consim/consim/scenarios"
)

// bootedWorld boots the agents of src natively, in the bubble, and runs the cluster until
// virtual time until. The agents are shut down when the test ends, so the bubble empties.
func bootedWorld(t *testing.T, src string, until time.Duration) *World {
	t.Helper()
	w, _ := testWorld(t, src)
	w.scheduleBoot()
	t.Cleanup(func() { shutdown(w) })
	w.advance(until)
	return w
}

// shutdown stops every agent and lets virtual time run on until the libraries' goroutines
// that outlive a shutdown (memberlist's probes waiting for their timeouts) are gone: a
// bubble must end empty.
func shutdown(w *World) {
	for _, n := range w.nodes {
		if n.agent != nil {
			n.agent.Shutdown()
		}
	}
	time.Sleep(time.Minute)
}

// Dynamic targets resolve against the running cluster: leader to the server that leads in
// the newest term, follower and random-server to another running server, random-client to
// a client agent; with no one running, each says why it matches nothing.
func TestTargetsResolveAgainstTheCluster(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := bootedWorld(t, "name: t\nduration: 30s\ncluster: {servers: 3, clients: 2}\n", 6*time.Second)
		lead, why := w.resolveTarget(scenarios.TargetLeader)
		if why != "" {
			t.Fatalf("no leader after 6s: %s", why)
		}
		var leaders int
		for _, n := range w.nodes {
			state, _ := n.agent.RaftState()
			switch {
			case !n.server && state != "":
				t.Errorf("client %s reports raft state %q", n.name, state)
			case n.server && state != event.RaftLeader && state != event.RaftFollower && state != event.RaftCandidate:
				t.Errorf("%s reports raft state %q, which the stream does not spell", n.name, state)
			}
			if state == event.RaftLeader {
				leaders++
				if n.name != lead {
					t.Errorf("leader resolved to %s, but %s leads", lead, n.name)
				}
			}
		}
		if leaders != 1 {
			t.Fatalf("%d leaders after 6s", leaders)
		}
		seen := map[string]map[string]bool{}
		for _, target := range []string{scenarios.TargetFollower, scenarios.TargetRandomServer, scenarios.TargetRandomClient, scenarios.TargetRandomNode} {
			seen[target] = map[string]bool{}
			for range 40 {
				name, why := w.resolveTarget(target)
				if why != "" {
					t.Fatalf("%s: %s", target, why)
				}
				seen[target][name] = true
			}
		}
		if len(seen[scenarios.TargetFollower]) != 2 || seen[scenarios.TargetFollower][lead] {
			t.Errorf("follower drew %v; want both servers other than the leader %s", seen[scenarios.TargetFollower], lead)
		}
		if len(seen[scenarios.TargetRandomServer]) != 3 || len(seen[scenarios.TargetRandomClient]) != 2 || len(seen[scenarios.TargetRandomNode]) != 5 {
			t.Errorf("draws: %v", seen)
		}
		if set, _ := w.resolveSet([]string{scenarios.SetFollowers, "client-2", scenarios.SetFollowers}); len(set) != 3 {
			t.Errorf("followers + client-2 resolved to %v", set)
		}
	})
}

// With no agent running, a dynamic target matches nothing and says why; a name stands for
// itself.
func TestTargetsWithNothingRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, _ := testWorld(t, "name: t\nduration: 30s\ncluster: {servers: 3, clients: 1}\n")
		for target, want := range map[string]string{
			scenarios.TargetLeader:       "no leader to target",
			scenarios.TargetFollower:     "no running follower to target",
			scenarios.TargetRandomServer: "no running server to target",
			scenarios.TargetRandomClient: "no running client agent to target",
			scenarios.TargetRandomNode:   "no running node to target",
		} {
			if name, why := w.resolveTarget(target); name != "" || why != want {
				t.Errorf("%s resolved to %q (%q), want %q", target, name, why, want)
			}
		}
		if name, why := w.resolveTarget("client-1"); name != "client-1" || why != "" {
			t.Errorf("client-1 resolved to %q (%q)", name, why)
		}
	})
}

// A crash of the leader stops its agent at once (node_down, its host down), the others
// elect a new leader, and the crash's end starts it again on its disk (fault_applied when
// it runs). A pause holds the paused host's traffic and lets it go when it ends.
func TestCrashAndPauseOfARunningCluster(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, buf := testWorld(t, `name: t
duration: 40s
cluster: {servers: 3}
faults:
  - {name: down, at: 6s, for: 10s, crash: leader}
  - {name: hold, at: 20s, for: 3s, pause: random-server}
`)
		w.scheduleBoot()
		t.Cleanup(func() { shutdown(w) })
		w.advance(6 * time.Second)
		crashed := starts(t, buf)[0].Targets[0]
		if n := w.nodeNamed(crashed); n.agent != nil || n.host.Up() {
			t.Fatalf("%s still runs after its crash", crashed)
		}
		w.advance(15 * time.Second)
		lead, why := w.resolveTarget(scenarios.TargetLeader)
		if why != "" || lead == crashed {
			t.Errorf("at 15s the leader is %q (%s); want one of the two others than %s", lead, why, crashed)
		}
		w.advance(19 * time.Second)
		if n := w.nodeNamed(crashed); n.agent == nil || !n.host.Up() {
			t.Errorf("%s does not run again after its crash ended at 16s", crashed)
		}
		w.advance(21 * time.Second)
		paused := starts(t, buf)[1].Targets[0]
		others := pairs(w.agentNames(), func(a, b string) bool { return a != paused && b != paused })
		held := reach(t, w) // the paused host's packets are held, not lost
		if !slices.Equal(held, others) {
			t.Errorf("with %s paused, reached %v, want %v", paused, held, others)
		}
		w.advance(24 * time.Second)
		var applied, ends int
		for _, ev := range events(t, buf) {
			switch {
			case ev.Type == event.FaultApplied && ev.Name == "down":
				applied++
			case ev.Type == event.FaultEnd && ev.Name == "hold":
				ends++
				if ev.Effect == nil || ev.Effect.PacketsHeld == 0 {
					t.Errorf("hold ended having held nothing: %+v", ev.Effect)
				}
			}
		}
		if applied != 1 || ends != 1 {
			t.Errorf("fault_applied for down: %d, fault_end for hold: %d; want 1 and 1", applied, ends)
		}
	})
}
