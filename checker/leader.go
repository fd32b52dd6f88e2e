package checker

import (
	"cmp"
	"slices"

	"github.com/consim/consim/event"
)

// LeaderReport is what raft leadership looked like over a run, from the servers'
// raft_state events: elections, who won which term, and how long the cluster had no
// leader at all. A server counts as leader from its raft_state "leader" until its next
// raft_state or its node_down. Time without a leader is counted from the first
// election on (the bootstrap election is reported as FirstLeaderAt instead) to the end
// of the stream.
type LeaderReport struct {
	// Elections counts the times a server became leader (LeaderElections).
	Elections int `json:"elections"`
	// FirstLeaderAt is when the first server became leader (null: never), in virtual
	// seconds.
	FirstLeaderAt *float64 `json:"first_leader_at"`
	// LeaderlessS is the total virtual time without any leader after the first election;
	// LongestLeaderlessS the longest such gap, which began at LongestLeaderlessFrom.
	LeaderlessS           float64  `json:"leaderless_s"`
	LongestLeaderlessS    float64  `json:"longest_leaderless_s"`
	LongestLeaderlessFrom *float64 `json:"longest_leaderless_from"`
	// Terms lists every term a server won, in term order; a term two servers won (a
	// raft safety violation) appears once per winner and is listed in SplitTerms.
	Terms      []TermLeader `json:"terms"`
	SplitTerms []uint64     `json:"split_terms"`
	// MaxLeaders is the most servers that believed at once that they led (2 while a
	// deposed leader has not noticed yet: the window of default-mode stale reads).
	MaxLeaders int `json:"max_leaders"`
}

// TermLeader is a server that won a term, and when.
type TermLeader struct {
	Term   uint64  `json:"term"`
	Leader string  `json:"leader"`
	At     float64 `json:"at"` // virtual seconds
}

// Leader computes a LeaderReport from a run.
func Leader(run *Run) LeaderReport {
	events := run.Events
	rep := LeaderReport{Elections: LeaderElections(run), Terms: []TermLeader{}, SplitTerms: []uint64{}}
	leading := map[string]bool{}
	n := 0
	var started bool
	var gapFrom, end event.Time
	gap := false
	closeGap := func(t event.Time) {
		if !gap {
			return
		}
		gap = false
		d := (t - gapFrom).Seconds()
		rep.LeaderlessS += d
		if d > rep.LongestLeaderlessS || rep.LongestLeaderlessFrom == nil {
			rep.LongestLeaderlessS = d
			from := gapFrom.Seconds()
			rep.LongestLeaderlessFrom = &from
		}
	}
	set := func(node string, lead bool, t event.Time) {
		if leading[node] == lead {
			return
		}
		leading[node] = lead
		if lead {
			n++
			closeGap(t)
			rep.MaxLeaders = max(rep.MaxLeaders, n)
			return
		}
		n--
		if n == 0 && started {
			gap, gapFrom = true, t
		}
	}
	for _, ev := range events {
		end = max(end, ev.T)
		switch ev.Type {
		case event.RaftState:
			lead := ev.State == event.RaftLeader
			if lead {
				if !started {
					started = true
					at := ev.T.Seconds()
					rep.FirstLeaderAt = &at
				}
				rep.Terms = append(rep.Terms, TermLeader{Term: ev.Term, Leader: ev.Node, At: ev.T.Seconds()})
			}
			set(ev.Node, lead, ev.T)
		case event.NodeDown:
			set(ev.Node, false, ev.T)
		}
	}
	closeGap(end)
	slices.SortStableFunc(rep.Terms, func(a, b TermLeader) int { return cmp.Compare(a.Term, b.Term) })
	for i := 1; i < len(rep.Terms); i++ {
		a, b := rep.Terms[i-1], rep.Terms[i]
		if a.Term == b.Term && a.Leader != b.Leader && !slices.Contains(rep.SplitTerms, a.Term) {
			rep.SplitTerms = append(rep.SplitTerms, a.Term)
		}
	}
	return rep
}
