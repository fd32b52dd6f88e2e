package kv

import (
	"fmt"
	"io"

	"github.com/hashicorp/raft"
)

// FSM is the raft state machine of a server: it applies KV commands to its Store and
// snapshots and restores it. Raft calls Apply, Snapshot and Restore from one goroutine;
// the server reads the Store (FSM.Store) from others, which the Store's lock makes safe.
type FSM struct {
	store *Store
}

var (
	_ raft.FSM         = (*FSM)(nil)
	_ raft.FSMSnapshot = (*fsmSnapshot)(nil)
)

// NewFSM returns a state machine over an empty Store.
func NewFSM() *FSM { return &FSM{store: NewStore()} }

// Store returns the state the FSM applies to, for reads and watches. Writes must go
// through raft: never call the Store's write methods on it directly.
func (f *FSM) Store() *Store { return f.store }

// ApplyResult is what Apply returns, and so what raft's ApplyFuture.Response() holds.
type ApplyResult struct {
	// OK is the answer Consul gives the write: the outcome for cas and delete-cas, true
	// for the others.
	OK bool
	// Err is set when the entry could not be applied (undecodable data, an unknown
	// command type); the store is then unchanged. It is the same on every replica.
	Err error
}

// Apply decodes l.Data and applies it at l.Index. It returns an ApplyResult.
func (f *FSM) Apply(l *raft.Log) any {
	r, err := Decode(l.Data)
	if err != nil {
		return ApplyResult{Err: fmt.Errorf("kv: apply log %d: %w", l.Index, err)}
	}
	ok, err := f.store.Apply(l.Index, r)
	return ApplyResult{OK: ok, Err: err}
}

// Snapshot captures the store at this point of the log. It is cheap (the entries are
// immutable, so it copies only pointers) and Persist may run while Apply goes on.
func (f *FSM) Snapshot() (raft.FSMSnapshot, error) {
	s := f.store
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := &fsmSnapshot{index: s.index, entries: make([]*Entry, len(s.keys))}
	for i, k := range s.keys {
		snap.entries[i] = s.entries[k]
	}
	return snap, nil
}

// Restore replaces the store with a snapshot written by Persist, and fires every watch.
// A snapshot that does not read back whole and valid leaves the store unchanged.
func (f *FSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	index, entries, err := readSnapshot(rc)
	if err != nil {
		return fmt.Errorf("kv: restore snapshot: %w", err)
	}
	f.store.restore(index, entries)
	return nil
}

// fsmSnapshot is a point-in-time view of the store, sorted by key.
type fsmSnapshot struct {
	index   uint64
	entries []*Entry // shared with the store, never modified
}

// Persist writes the snapshot to sink (format: see writeSnapshot).
func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := writeSnapshot(sink, s.index, s.entries); err != nil {
		sink.Cancel()
		return fmt.Errorf("kv: persist snapshot: %w", err)
	}
	return sink.Close()
}

// Release does nothing: the snapshot holds no resources.
func (s *fsmSnapshot) Release() {}

// restore replaces the state; entries are sorted, unique and owned by the store.
func (s *Store) restore(index uint64, entries []*Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries = make(map[string]*Entry, len(entries))
	s.keys = make([]string, len(entries))
	for i, e := range entries {
		s.entries[e.Key] = e
		s.keys[i] = e.Key
	}
	s.index = index
	s.watches.fireAll()
}
