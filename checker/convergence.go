// Package checker judges a run from its event stream alone, so that `consim check` can
// re-derive every verdict from a saved events.jsonl.
package checker

import "github.com/consim/consim/sim/event"

// Convergence returns the first virtual time at which every node of the run saw every
// node (itself included) alive, and whether that ever happened. The node count comes
// from the run_start header (servers + clients).
func Convergence(events []event.Event) (event.Time, bool) {
	total := 0
	type pair struct{ observer, member string }
	alive := map[pair]bool{}
	count := 0
	for _, ev := range events {
		switch ev.Type {
		case event.RunStart:
			total = ev.Servers + ev.Clients
		case event.Member:
			p := pair{ev.Node, ev.Member}
			now := ev.Status == event.StatusAlive
			if now != alive[p] {
				alive[p] = now
				if now {
					count++
				} else {
					count--
				}
			}
			if total > 0 && count == total*total {
				return ev.T, true
			}
		}
	}
	return 0, false
}

// LeaderElections counts the times a server became leader.
func LeaderElections(events []event.Event) int {
	n := 0
	for _, ev := range events {
		if ev.Type == event.RaftState && ev.State == "leader" {
			n++
		}
	}
	return n
}
