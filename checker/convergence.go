// Package checker judges a run from its event stream alone, so that `consim check` can
// re-derive every verdict from a saved events.jsonl.
package checker

import (
	"cmp"
	"slices"

	"github.com/consim/consim/event"
)

// Convergence returns the first virtual time at which every node of the run saw every
// node (itself included) alive, and whether that ever happened. The node count comes
// from the run_start header (servers + clients).
func Convergence(run *Run) (event.Time, bool) {
	events := run.Events
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
func LeaderElections(run *Run) int {
	events := run.Events
	n := 0
	for _, ev := range events {
		if ev.Type == event.RaftState && ev.State == event.RaftLeader {
			n++
		}
	}
	return n
}

// Unseen is a view that gossip did not get right: Observer did not see Member alive.
type Unseen struct {
	Observer string `json:"observer"`
	Member   string `json:"member"`
}

// ClosestToConvergence is for a run in which gossip never converged: the first moment at
// which the most views (node A sees node B alive, itself included) were right, and the
// views missing then, in name order: who missed whom. Memberlist spreads a node's arrival
// by each node retransmitting it a bounded number of times to random peers, so a node can
// miss it; its anti-entropy (a push-pull with one random peer every 30 s on the LAN
// profile, the first 30 to 60 s after a node starts) repairs that, if the run lasts.
func ClosestToConvergence(run *Run) (event.Time, []Unseen) {
	events := run.Events
	type pair struct{ observer, member string }
	var names []string
	alive := map[pair]bool{}
	count, best := 0, -1
	var bestAt event.Time
	var bestMissing []Unseen
	for _, ev := range events {
		if ev.Type != event.Member {
			continue
		}
		for _, n := range []string{ev.Node, ev.Member} {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		p := pair{ev.Node, ev.Member}
		if now := ev.Status == event.StatusAlive; now != alive[p] {
			alive[p] = now
			if now {
				count++
			} else {
				count--
			}
		}
		if count > best {
			best, bestAt, bestMissing = count, ev.T, nil
			for _, a := range names {
				for _, b := range names {
					if !alive[pair{a, b}] {
						bestMissing = append(bestMissing, Unseen{Observer: a, Member: b})
					}
				}
			}
		}
	}
	slices.SortFunc(bestMissing, func(a, b Unseen) int {
		return cmp.Or(cmp.Compare(a.Observer, b.Observer), cmp.Compare(a.Member, b.Member))
	})
	return bestAt, bestMissing
}
