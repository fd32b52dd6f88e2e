package world

import (
	"slices"

	"github.com/consim/consim/event"
)

// reportRaft emits raft_progress for each server whose indexes moved since the last
// report and raft_config for each whose voter set changed. Called once per tick, which
// bounds the rate: progress is a summary, not a trace of every append.
func (w *World) reportRaft() {
	for _, n := range w.nodes {
		if n.agent == nil || !n.server {
			continue
		}
		p, ok := n.agent.RaftProgress()
		if !ok {
			continue
		}
		last := n.reported
		if p.Commit != last.Commit || p.Applied != last.Applied || p.Last != last.Last {
			w.emit.emit(event.Event{Type: event.RaftProgress, Node: n.name,
				CommitIndex: p.Commit, AppliedIndex: p.Applied, LastIndex: p.Last})
		}
		if !slices.Equal(p.Voters, last.Voters) {
			w.emit.emit(event.Event{Type: event.RaftConfig, Node: n.name, Voters: p.Voters})
		}
		n.reported = p
	}
}
