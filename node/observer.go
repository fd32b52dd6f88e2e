package node

// Observer is told about the agent's state changes as they happen. Calls come from
// memberlist's and raft's goroutines; an implementation must be safe for concurrent use
// and must not block (memberlist holds locks while it notifies).
type Observer interface {
	// MemberStatus says that this agent (self) now sees member with the given status
	// (one of the Status constants) at addr.
	MemberStatus(self, member string, status Status, addr string)
	// RaftState says that this server's raft state changed, in the given term.
	RaftState(self string, state string, term uint64)
}

// Status is how an agent sees a member.
type Status string

// Member statuses.
const (
	StatusAlive  Status = "alive"
	StatusFailed Status = "failed"
	StatusLeft   Status = "left"
)

// nopObserver is used when Config.Observer is nil.
type nopObserver struct{}

func (nopObserver) MemberStatus(string, string, Status, string) {}
func (nopObserver) RaftState(string, string, uint64)            {}
