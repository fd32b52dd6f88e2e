package world

import (
	"github.com/consim/consim/event"

	"slices"

	"github.com/consim/consim/scenarios"
)

// leaderNode returns the running server that leads in the newest term, or nil. Two
// servers may both believe they lead for a moment (the old one has not noticed yet): the
// world's knowledge is the newest term.
func (w *World) leaderNode() *simNode {
	var best *simNode
	var bestTerm uint64
	for _, n := range w.nodes {
		if !n.server || n.agent == nil {
			continue
		}
		if state, term := n.agent.RaftState(); state == event.RaftLeader && (best == nil || term > bestTerm) {
			best, bestTerm = n, term
		}
	}
	return best
}

// running returns the running agents that keep returns true for, in node order.
func (w *World) running(keep func(*simNode) bool) []*simNode {
	var out []*simNode
	for _, n := range w.nodes {
		if n.agent != nil && keep(n) {
			out = append(out, n)
		}
	}
	return out
}

func isServer(n *simNode) bool { return n.server }
func isClient(n *simNode) bool { return !n.server }
func anyNode(*simNode) bool    { return true }

// pick draws one node from ns with the fault random source, or nil when ns is empty.
func (w *World) pick(ns []*simNode) *simNode {
	if len(ns) == 0 {
		return nil
	}
	return ns[w.faults.rand.Intn(len(ns))]
}

// resolveTarget resolves a target to a host name when a fault fires: a node or workload
// client name stands for itself; a dynamic target is drawn from the running agents. It
// returns "" and the reason when the target matches nothing now.
func (w *World) resolveTarget(t string) (string, string) {
	var n *simNode
	switch t {
	case scenarios.TargetLeader:
		if n = w.leaderNode(); n == nil {
			return "", "no leader to target"
		}
	case scenarios.TargetFollower:
		lead := w.leaderNode()
		if n = w.pick(w.running(func(n *simNode) bool { return n.server && n != lead })); n == nil {
			return "", "no running follower to target"
		}
	case scenarios.TargetRandomServer:
		if n = w.pick(w.running(isServer)); n == nil {
			return "", "no running server to target"
		}
	case scenarios.TargetRandomClient:
		if n = w.pick(w.running(isClient)); n == nil {
			return "", "no running client agent to target"
		}
	case scenarios.TargetRandomNode:
		if n = w.pick(w.running(anyNode)); n == nil {
			return "", "no running node to target"
		}
	default:
		return t, ""
	}
	return n.name, ""
}

// resolveSet expands a target list (targets and the sets servers, clients, followers,
// nodes) to host names, each once, in the order first named.
func (w *World) resolveSet(list []string) ([]string, string) {
	var out []string
	add := func(names ...string) {
		for _, s := range names {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	for _, t := range list {
		switch t {
		case scenarios.SetServers, scenarios.SetClients, scenarios.SetNodes:
			for _, n := range w.nodes {
				if t == scenarios.SetNodes || (t == scenarios.SetServers) == n.server {
					add(n.name)
				}
			}
		case scenarios.SetFollowers:
			lead := w.leaderNode()
			for _, n := range w.running(isServer) {
				if n != lead {
					add(n.name)
				}
			}
		default:
			name, why := w.resolveTarget(t)
			if name == "" {
				return nil, why
			}
			add(name)
		}
	}
	return out, ""
}

// agentNames returns the names of every agent, running or not, in node order.
func (w *World) agentNames() []string {
	out := make([]string, len(w.nodes))
	for i, n := range w.nodes {
		out[i] = n.name
	}
	return out
}

// nodeNamed returns the agent called name, or nil for a workload client's host.
func (w *World) nodeNamed(name string) *simNode {
	for _, n := range w.nodes {
		if n.name == name {
			return n
		}
	}
	return nil
}
