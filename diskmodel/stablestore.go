package diskmodel

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hashicorp/raft"
)

// ErrKeyNotFound is returned by StableStore.Get and GetUint64 for a key never set. Its text
// is what raft looks for: raft compares err.Error() with "not found", as raft-boltdb's
// ErrKeyNotFound reads.
var ErrKeyNotFound = errors.New("not found")

var _ raft.StableStore = (*stableStore)(nil)

// stableStore is a raft.StableStore handle on a Disk, usable until the Disk's next Crash.
type stableStore struct {
	d     *Disk
	epoch uint64
}

// StableStore returns a raft.StableStore on the disk's current state. Handles from before a
// Crash fail with ErrCrashed; call StableStore again after it, as a restarted node would.
func (d *Disk) StableStore() raft.StableStore {
	d.mu.Lock()
	defer d.mu.Unlock()
	return &stableStore{d: d, epoch: d.epoch}
}

// Set stores a copy of val under key as one durable write.
func (s *stableStore) Set(key, val []byte) error {
	if val == nil {
		val = []byte{} // a key set to nothing still exists
	}
	o := &op{kind: opSet, key: string(key), val: append([]byte{}, val...), bytes: len(key) + len(val)}
	return s.d.write(s.epoch, o)
}

// Get returns a copy of the value under key, or ErrKeyNotFound.
func (s *stableStore) Get(key []byte) ([]byte, error) {
	var val []byte
	err := s.d.read(s.epoch, func(st *state) error {
		v, ok := st.kv[string(key)]
		if !ok {
			return ErrKeyNotFound
		}
		val = append([]byte{}, v...)
		s.d.stats.Reads++
		return nil
	})
	return val, err
}

// SetUint64 stores val under key as 8 big-endian bytes, as one durable write.
func (s *stableStore) SetUint64(key []byte, val uint64) error {
	return s.Set(key, binary.BigEndian.AppendUint64(nil, val))
}

// GetUint64 returns the value under key, stored by SetUint64, or 0 and ErrKeyNotFound.
func (s *stableStore) GetUint64(key []byte) (uint64, error) {
	val, err := s.Get(key)
	if err != nil {
		return 0, err
	}
	if len(val) != 8 {
		return 0, fmt.Errorf("disk: stable key %q holds %d bytes, not a uint64", key, len(val))
	}
	return binary.BigEndian.Uint64(val), nil
}
