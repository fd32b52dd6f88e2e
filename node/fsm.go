package node

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"

	"github.com/hashicorp/raft"
)

// counterFSM is the minimal state machine servers run until the KV store lands: it counts
// applied entries, and snapshots and restores that count for real.
type counterFSM struct {
	mu      sync.Mutex
	applied uint64
}

var _ raft.FSM = (*counterFSM)(nil)

func (f *counterFSM) Apply(*raft.Log) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied++
	return f.applied
}

func (f *counterFSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return counterSnapshot(f.applied), nil
}

func (f *counterFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	var b [8]byte
	if _, err := io.ReadFull(rc, b[:]); err != nil {
		return errors.Join(errors.New("node: restore snapshot"), err)
	}
	f.mu.Lock()
	f.applied = binary.BigEndian.Uint64(b[:])
	f.mu.Unlock()
	return nil
}

type counterSnapshot uint64

func (s counterSnapshot) Persist(sink raft.SnapshotSink) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(s))
	if _, err := sink.Write(b[:]); err != nil {
		sink.Cancel()
		return err
	}
	return sink.Close()
}

func (counterSnapshot) Release() {}
