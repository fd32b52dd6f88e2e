package checker

import (
	"fmt"
	"strings"

	"github.com/consim/consim/event"
)

// raftTimeline is what every server believed about raft leadership over the run, from
// its raft_state events: enough to say, next to an anomaly, whether the server that
// answered still thought it led while a newer leader existed (the 2014 default-mode
// finding), or was a follower serving from its own state.
type raftTimeline struct {
	states    map[string][]raftBelief // per server, in time order
	elections []raftBelief            // leader wins, in time order
}

type raftBelief struct {
	at    event.Time
	node  string
	state string
	term  uint64
}

func newRaftTimeline(events []event.Event) *raftTimeline {
	rt := &raftTimeline{states: map[string][]raftBelief{}}
	for _, ev := range events {
		switch {
		case ev.Type == event.RaftState:
			b := raftBelief{at: ev.T, node: ev.Node, state: ev.State, term: ev.Term}
			rt.states[ev.Node] = append(rt.states[ev.Node], b)
			if ev.State == event.RaftLeader {
				rt.elections = append(rt.elections, b)
			}
		case ev.Type == event.NodeDown:
			rt.states[ev.Node] = append(rt.states[ev.Node], raftBelief{at: ev.T, node: ev.Node, state: "down"})
		}
	}
	return rt
}

// context describes, in words, the raft situation of server via at time at; "" when via
// is not a server the stream knows.
func (rt *raftTimeline) context(via string, at event.Time) string {
	hist, ok := rt.states[via]
	if !ok {
		return ""
	}
	var mine *raftBelief
	for i := range hist {
		if hist[i].at <= at {
			mine = &hist[i]
		}
	}
	var newest *raftBelief
	for i := range rt.elections {
		if e := &rt.elections[i]; e.at <= at && (newest == nil || e.term > newest.term) {
			newest = e
		}
	}
	switch {
	case mine == nil || mine.state == "down":
		return ""
	case mine.state == event.RaftLeader && newest != nil && newest.term > mine.term:
		return fmt.Sprintf("%s still believed it led term %d, but %s had won term %d at %.3f s", via, mine.term, newest.node, newest.term, newest.at.Seconds())
	case mine.state == event.RaftLeader:
		return fmt.Sprintf("%s led term %d", via, mine.term)
	default:
		return fmt.Sprintf("%s was a %s in term %d and answered from its own state", via, mine.state, mine.term)
	}
}

// addRaftContext appends the answering server's raft situation to each explanation.
func addRaftContext(verdicts map[string]Verdict, events []event.Event) {
	rt := newRaftTimeline(events)
	for mode, v := range verdicts {
		for i := range v.Anomalies {
			a := &v.Anomalies[i]
			if c := rt.context(a.Via, a.at); c != "" && !strings.Contains(a.Explanation, c) {
				a.Explanation += "; " + c
			}
		}
		verdicts[mode] = v
	}
}
