package world

import (
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node/serf"
	"github.com/consim/consim/scenarios"
)

// livenessPoll is how often the liveness phase checks for convergence.
const livenessPoll = 100 * time.Millisecond

// liveness runs the liveness phase, unless the scenario skips it: every fault in progress
// ends, crashed nodes restart (on their disks), and the cluster runs until it converges
// or the phase's timeout passes. It reports whether the cluster converged.
//
// Once it has converged, the phase goes on, within the same timeout, until every user
// event owed to a member (event/owed) has been delivered: gossip hands an event to a few
// random members a bounded number of times, and a member those all miss (a partition
// dropped them) gets it only from anti-entropy, the push-pull each member makes with a
// random other every 30 s, which can take a few rounds to reach everyone. The run must
// give it that time before the user_events expectation judges delivery; convergence
// itself is of leadership and membership, as before.
func (w *World) liveness() bool {
	lv := w.spec.Scenario.Liveness
	if lv.Skip {
		return false
	}
	timeout := lv.Timeout.D()
	if timeout <= 0 {
		timeout = scenarios.DefaultLivenessTimeout.D()
	}
	start := w.emit.now()
	w.emit.emit(event.Event{Type: event.LivenessStart, Timeout: event.Duration(timeout)})
	w.healAll("liveness")
	for _, n := range w.nodes {
		if n.agent == nil && !n.left {
			w.restart(n, "", nil) // left alone if it is starting already
		}
	}
	converged, at := false, time.Duration(0)
	for {
		w.drainDone()
		if !converged && w.converged() {
			converged, at = true, w.emit.now()
		}
		if converged && w.emit.undelivered() == 0 || w.emit.now()-start >= timeout {
			break
		}
		w.waitUntil(min(w.emit.now()+livenessPoll, start+timeout))
	}
	end := event.Event{Type: event.LivenessEnd}
	end.Converged = &converged
	if converged {
		s := (at - start).Seconds()
		end.Seconds = &s
	}
	w.emit.emit(end)
	return converged
}

// converged reports whether the running cluster has one leader that every running
// server follows, and every running agent sees every running agent alive. While a node
// is still starting or stopping in the background (lifecycle.go), it has not.
func (w *World) converged() bool {
	for _, n := range w.nodes {
		if n.starting || n.stopping > 0 || len(n.afterStop) > 0 {
			return false
		}
	}
	if len(w.leaders()) != 1 {
		return false
	}
	lead := w.leaderNode()
	for _, n := range w.running(isServer) {
		if addr, _ := n.agent.Raft().LeaderWithID(); addr != raft.ServerAddress(lead.raftAddr()) {
			return false
		}
	}
	up := w.running(anyNode)
	for _, n := range up {
		alive := map[string]bool{}
		for _, m := range n.agent.Members() {
			if m.Status == serf.StatusAlive {
				alive[m.Name] = true
			}
		}
		for _, m := range up {
			if !alive[m.name] {
				return false
			}
		}
	}
	return true
}
