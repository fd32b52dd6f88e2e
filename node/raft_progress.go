package node

import (
	"sort"

	"github.com/hashicorp/raft"
)

// RaftProgress is where a server's replication stands.
type RaftProgress struct {
	// Commit, Applied and Last are the commit index, the index its state machine has
	// applied, and the last index in its log.
	Commit, Applied, Last uint64
	// Voters are the IDs of the voters in its latest configuration, sorted.
	Voters []string
}

// RaftProgress returns the server's progress; ok is false on a client agent or after
// shutdown.
func (a *Agent) RaftProgress() (p RaftProgress, ok bool) {
	if a.srv == nil {
		return p, false
	}
	r := a.srv.raft
	f := r.GetConfiguration()
	if f.Error() != nil {
		return p, false
	}
	for _, s := range f.Configuration().Servers {
		if s.Suffrage == raft.Voter {
			p.Voters = append(p.Voters, string(s.ID))
		}
	}
	sort.Strings(p.Voters)
	p.Commit, p.Applied, p.Last = r.CommitIndex(), r.AppliedIndex(), r.LastIndex()
	return p, true
}
