package diskmodel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hashicorp/raft"
)

// ErrSnapshotNotFound is returned by SnapshotStore.Open for an ID that is not a durable,
// retained snapshot: unknown, reaped, canceled, still being written, or lost in a crash.
var ErrSnapshotNotFound = errors.New("disk: snapshot not found")

var (
	_ raft.SnapshotStore = (*snapshotStore)(nil)
	_ raft.SnapshotSink  = (*sink)(nil)
	_ io.ReadCloser      = (*reader)(nil)
)

// snapshotStore is a raft.SnapshotStore handle on a Disk, usable until the Disk's next
// Crash.
type snapshotStore struct {
	d     *Disk
	epoch uint64
}

// SnapshotStore returns a raft.SnapshotStore on the disk's current state. Handles from
// before a Crash fail with ErrCrashed; call SnapshotStore again after it, as a restarted
// node would.
func (d *Disk) SnapshotStore() raft.SnapshotStore {
	d.mu.Lock()
	defer d.mu.Unlock()
	return &snapshotStore{d: d, epoch: d.epoch}
}

// Create starts a snapshot. Nothing is durable, listed or openable until the sink's Close
// returns nil. Only version 1 is supported, as in raft's own stores. The ID is raft's
// "term-index-millis", with "-2", "-3"… appended if it is already taken.
func (s *snapshotStore) Create(version raft.SnapshotVersion, index, term uint64,
	configuration raft.Configuration, configurationIndex uint64, _ raft.Transport) (raft.SnapshotSink, error) {
	if version != 1 {
		return nil, fmt.Errorf("disk: unsupported snapshot version %d", version)
	}
	d := s.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(s.epoch); err != nil {
		return nil, err
	}
	base := fmt.Sprintf("%d-%d-%d", term, index, time.Now().UnixMilli())
	id := base
	for n := 2; d.sinks[id] || d.live.findSnapshot(id) != nil; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	d.sinks[id] = true
	meta := raft.SnapshotMeta{
		Version:            version,
		ID:                 id,
		Index:              index,
		Term:               term,
		Configuration:      configuration,
		ConfigurationIndex: configurationIndex,
	}
	meta.Configuration.Servers = append([]raft.Server(nil), configuration.Servers...)
	return &sink{d: d, epoch: s.epoch, meta: meta}, nil
}

// List returns the retained snapshots, newest first (by term, index, then ID).
func (s *snapshotStore) List() ([]*raft.SnapshotMeta, error) {
	metas := []*raft.SnapshotMeta{}
	err := s.d.read(s.epoch, func(st *state) error {
		for _, x := range st.snaps {
			metas = append(metas, copyMeta(&x.meta))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return metas, nil
}

// Open returns the metadata and contents of a retained snapshot. The reader stays valid if
// the snapshot is reaped meanwhile, and fails with ErrCrashed after a crash.
func (s *snapshotStore) Open(id string) (*raft.SnapshotMeta, io.ReadCloser, error) {
	var x *snapshot
	err := s.d.read(s.epoch, func(st *state) error {
		if x = st.findSnapshot(id); x == nil {
			return fmt.Errorf("disk: open snapshot %s: %w", id, ErrSnapshotNotFound)
		}
		s.d.stats.Reads++
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return copyMeta(&x.meta), &reader{d: s.d, epoch: s.epoch, r: bytes.NewReader(x.data)}, nil
}

// sink is a snapshot being written. It buffers in memory; Close is one durable write. Like
// raft's sinks it is used by one goroutine at a time.
type sink struct {
	d     *Disk
	epoch uint64
	meta  raft.SnapshotMeta
	buf   []byte
	done  bool  // Close or Cancel was called
	err   error // what the first Close returned
}

// ID returns the snapshot's ID, for Open once Close has returned nil.
func (k *sink) ID() string { return k.meta.ID }

// Write appends p to the snapshot. It costs no time.
func (k *sink) Write(p []byte) (int, error) {
	if err := k.usable(); err != nil {
		return 0, err
	}
	k.buf = append(k.buf, p...)
	return len(p), nil
}

// Close makes the snapshot durable, after one write latency, and reaps snapshots beyond the
// retain count. Calling it again returns what the first call returned.
func (k *sink) Close() error {
	if k.done {
		return k.err
	}
	k.done = true
	k.meta.Size = int64(len(k.buf))
	x := &snapshot{meta: k.meta, data: k.buf}
	k.buf = nil
	k.err = k.d.write(k.epoch, &op{kind: opSnapshot, snap: x, bytes: len(x.data)})
	return k.err
}

// Cancel discards the snapshot. Calling it after Close or Cancel does nothing.
func (k *sink) Cancel() error {
	if k.done {
		return nil
	}
	k.done = true
	k.buf = nil
	d := k.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(k.epoch); err != nil {
		return err
	}
	delete(d.sinks, k.meta.ID)
	return nil
}

// usable reports whether the sink may still be written.
func (k *sink) usable() error {
	if k.done {
		return fmt.Errorf("disk: snapshot %s: write after Close or Cancel", k.meta.ID)
	}
	k.d.mu.Lock()
	defer k.d.mu.Unlock()
	return k.d.check(k.epoch)
}

// reader reads a snapshot's contents until the Disk's next Crash.
type reader struct {
	d     *Disk
	epoch uint64
	r     *bytes.Reader
}

func (r *reader) Read(p []byte) (int, error) {
	if err := r.alive(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// Close releases nothing; after a crash it reports ErrCrashed like every other call.
func (r *reader) Close() error { return r.alive() }

func (r *reader) alive() error {
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	return r.d.check(r.epoch)
}
