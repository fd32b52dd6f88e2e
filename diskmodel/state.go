package diskmodel

import (
	"bytes"
	"cmp"
	"maps"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/hashicorp/raft"
)

// opKind names the write operations of the stores.
type opKind uint8

const (
	opStoreLogs opKind = iota
	opDeleteRange
	opSet
	opSnapshot
)

// op is one durable write. Its payload is owned by the Disk and never changes once built, so
// the live and the durable state may share it.
type op struct {
	kind     opKind
	logs     []*raft.Log // opStoreLogs, copies of the caller's logs
	min, max uint64      // opDeleteRange, inclusive
	key      string      // opSet
	val      []byte      // opSet
	snap     *snapshot   // opSnapshot
	bytes    int         // payload size, for Stats
	due      time.Time   // when a lied write becomes durable
}

// snapshot is a completed snapshot. Immutable once built.
type snapshot struct {
	meta raft.SnapshotMeta
	data []byte
}

// state is the content of a disk: the raft log, the stable key space and the snapshots.
// A Disk keeps two: the live state its handles read, and the durable state a crash leaves.
type state struct {
	logs  []*raft.Log // strictly increasing Index; gaps allowed
	kv    map[string][]byte
	snaps []*snapshot // newest first, at most retain
}

func newState() *state { return &state{kv: make(map[string][]byte)} }

// clone copies the containers; their elements are immutable and shared.
func (s *state) clone() *state {
	return &state{logs: slices.Clone(s.logs), kv: maps.Clone(s.kv), snaps: slices.Clone(s.snaps)}
}

// apply performs o and returns how many snapshots it deleted beyond retain.
func (s *state) apply(o *op, retain int) (reaped int) {
	switch o.kind {
	case opStoreLogs:
		for _, l := range o.logs {
			s.storeLog(l)
		}
	case opDeleteRange:
		if o.min > o.max {
			break
		}
		lo, hi := s.search(o.min), len(s.logs)
		if o.max < math.MaxUint64 {
			hi = s.search(o.max + 1)
		}
		s.logs = slices.Delete(s.logs, lo, hi)
	case opSet:
		s.kv[o.key] = o.val
	case opSnapshot:
		s.snaps = slices.DeleteFunc(s.snaps, func(x *snapshot) bool { return x.meta.ID == o.snap.meta.ID })
		s.snaps = append(s.snaps, o.snap)
		slices.SortFunc(s.snaps, func(a, b *snapshot) int { return compareMeta(&b.meta, &a.meta) })
		if len(s.snaps) > retain {
			reaped = len(s.snaps) - retain
			clear(s.snaps[retain:])
			s.snaps = s.snaps[:retain]
		}
	}
	return reaped
}

func (s *state) storeLog(l *raft.Log) {
	n := len(s.logs)
	if n == 0 || l.Index > s.logs[n-1].Index {
		s.logs = append(s.logs, l) // the common case: appending at the tail
		return
	}
	i := s.search(l.Index)
	if s.logs[i].Index == l.Index {
		s.logs[i] = l
		return
	}
	s.logs = slices.Insert(s.logs, i, l)
}

// search returns the position of the first log whose Index is at least idx.
func (s *state) search(idx uint64) int {
	if n := len(s.logs); n > 0 && idx >= s.logs[0].Index {
		// Logs are usually contiguous: try the direct offset first.
		if off := idx - s.logs[0].Index; off < uint64(n) && s.logs[off].Index == idx {
			return int(off)
		}
	}
	return sort.Search(len(s.logs), func(i int) bool { return s.logs[i].Index >= idx })
}

// getLog returns the stored log at idx, or nil.
func (s *state) getLog(idx uint64) *raft.Log {
	if i := s.search(idx); i < len(s.logs) && s.logs[i].Index == idx {
		return s.logs[i]
	}
	return nil
}

func (s *state) firstIndex() uint64 {
	if len(s.logs) == 0 {
		return 0
	}
	return s.logs[0].Index
}

func (s *state) lastIndex() uint64 {
	if len(s.logs) == 0 {
		return 0
	}
	return s.logs[len(s.logs)-1].Index
}

func (s *state) findSnapshot(id string) *snapshot {
	for _, x := range s.snaps {
		if x.meta.ID == id {
			return x
		}
	}
	return nil
}

// compareMeta orders snapshots as raft.FileSnapshotStore does: by term, index, then ID.
func compareMeta(a, b *raft.SnapshotMeta) int {
	return cmp.Or(cmp.Compare(a.Term, b.Term), cmp.Compare(a.Index, b.Index), cmp.Compare(a.ID, b.ID))
}

// copyMeta returns a copy of m that shares nothing with the stored snapshot.
func copyMeta(m *raft.SnapshotMeta) *raft.SnapshotMeta {
	c := *m
	c.Peers = bytes.Clone(m.Peers)
	c.Configuration.Servers = slices.Clone(m.Configuration.Servers)
	return &c
}
