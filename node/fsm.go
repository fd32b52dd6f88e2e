package node

import (
	"sync/atomic"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/kv"
)

// serverFSM is the KV state machine plus a count of the log entries it applied, which
// tests and progress reports read without decoding the store.
type serverFSM struct {
	*kv.FSM
	applied atomic.Uint64
}

var _ raft.FSM = (*serverFSM)(nil)

func (f *serverFSM) Apply(l *raft.Log) any {
	f.applied.Add(1)
	return f.FSM.Apply(l)
}
