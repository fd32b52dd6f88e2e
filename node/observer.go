package node

import (
	"time"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/serf"
)

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

// CatalogObserver is told about the service catalog as it changes: on every agent, its
// checks' status changes and its anti-entropy syncs; on a server, every catalog write its
// state machine applies. The same rules as Observer hold: calls come from the agent's
// and raft's goroutines, must be safe for concurrent use and must not block.
type CatalogObserver interface {
	// CheckStatus says a check of this agent (self) got a new status, or was registered
	// (the first call for a check ID).
	CheckStatus(self string, u CheckUpdate)
	// CatalogApplied says this server's state machine applied a catalog write at index:
	// whether it changed the catalog, or the error that refused it.
	CatalogApplied(self string, index uint64, r catalog.Request, changed bool, err error)
	// AntiEntropy says this agent synced its services and checks with the catalog.
	AntiEntropy(self string, s SyncReport)
}

// SessionObserver is told about sessions on a server: every session its state machine
// creates or invalidates, and every lock it refuses, as leader, for a key's lock-delay.
// The same rules as Observer hold.
type SessionObserver interface {
	SessionChanged(self string, c SessionChange)
	LockDelayed(self, key, session string, left time.Duration)
}

// CheckUpdate is a check's new status on its agent.
type CheckUpdate struct {
	CheckID   string
	ServiceID string // empty for a node-level check
	Status    string // passing, warning or critical
	Output    string
}

// SyncReport is one anti-entropy pass: a full sync (the agent read the catalog's view of
// its node and pushed every difference) or a sync of changes (it pushed what changed
// locally since). Synced names what it pushed, in order ("service:web",
// "check:service:web", "deregister service:old"); Err is the first failure, which ends
// the pass (what it did not push stays out of sync for the next one).
type SyncReport struct {
	Full   bool
	Synced []string
	Err    error
}
