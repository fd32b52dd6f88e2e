package node

import "github.com/consim/consim/node/serf"

// Observer is told about the agent's state changes as they happen. Calls come from
// memberlist's, the Serf layer's and raft's goroutines; an implementation must be safe
// for concurrent use and must not block (memberlist holds locks while it notifies).
// Everything else the gossip layer sees (tags, suspicion, user events, queries, handler
// invocations) goes to Config.GossipObserver.
type Observer interface {
	// MemberStatus says that this agent (self) now sees member with the given status at
	// addr. A gracefully leaving member goes alive, leaving, left; a crashed one alive,
	// failed.
	MemberStatus(self, member string, status serf.MemberStatus, addr string)
	// RaftState says that this server's raft state changed, in the given term.
	RaftState(self string, state string, term uint64)
}

// nopObserver is used when Config.Observer is nil.
type nopObserver struct{}

func (nopObserver) MemberStatus(string, string, serf.MemberStatus, string) {}
func (nopObserver) RaftState(string, string, uint64)                       {}
