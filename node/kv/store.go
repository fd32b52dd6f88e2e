package kv

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Store is the key/value state: entries kept in key order, the index of the last change,
// and the watches of blocking queries.
//
// All methods are safe for concurrent use. Reads take a read lock, so the HTTP server may
// read while raft applies; writes, Watch and Restore take the write lock. Entries the
// store holds are never modified in place (a write stores a new Entry), which lets a
// snapshot capture them without copying values; entries a read returns are copies the
// caller owns.
//
// Writes take the raft index they are applied at. Indexes must not decrease (raft applies
// in log order); a write at index 0 or below the store's index is a harness bug and
// panics.
type Store struct {
	mu      sync.RWMutex
	entries map[string]*Entry // by key; never mutated once stored
	keys    []string          // the keys of entries, sorted bytewise as Consul's radix tree
	index   uint64            // raft index of the last change; 0 if never changed
	watches watches
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{entries: make(map[string]*Entry)}
}

// minIndex is the smallest index a read reports: Consul never answers 0, which a client
// would take as "do not block".
func minIndex(i uint64) uint64 { return max(i, 1) }

// Index returns the raft index of the last change to the store, of any kind (deletes
// included), or 0 if it has never changed. This is the raw value; reads report at least 1.
func (s *Store) Index() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.index
}

// Len returns the number of keys.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.keys)
}

// Get returns a copy of the entry for key, or nil if it is absent, and the index Consul
// reports for it: the entry's ModifyIndex when present, the store index otherwise, at
// least 1.
func (s *Store) Get(key string) (*Entry, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if e, ok := s.entries[key]; ok {
		return e.clone(), e.ModifyIndex
	}
	return nil, minIndex(s.index)
}

// List returns copies of every entry whose key starts with prefix ("" lists all), sorted
// by key, or nil if there are none, and the store index (at least 1).
func (s *Store) List(prefix string) ([]*Entry, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	lo, hi := s.span(prefix)
	var out []*Entry
	if hi > lo {
		out = make([]*Entry, 0, hi-lo)
		for _, k := range s.keys[lo:hi] {
			out = append(out, s.entries[k].clone())
		}
	}
	return out, minIndex(s.index)
}

// Keys returns the keys that start with prefix, sorted, or nil if there are none, and the
// store index (at least 1). With a non-empty separator it follows Consul's KVS.ListKeys: a
// key in which separator occurs after the prefix is cut just after that first occurrence,
// and the cut keys are deduplicated, so Keys("web/", "/") over web/a, web/b/c and web/b/d
// returns web/a and web/b/. An empty separator lists every key.
func (s *Store) Keys(prefix, separator string) ([]string, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	lo, hi := s.span(prefix)
	var out []string
	for _, k := range s.keys[lo:hi] {
		if separator != "" {
			if i := strings.Index(k[len(prefix):], separator); i >= 0 {
				k = k[:len(prefix)+i+len(separator)]
			}
		}
		// Cutting keeps the order (a cut key sorts no later than the keys it stands for
		// and after every earlier key), so duplicates are adjacent.
		if n := len(out); n > 0 && out[n-1] == k {
			continue
		}
		out = append(out, k)
	}
	return out, minIndex(s.index)
}

// Watch returns a channel that is closed by the next change to a key starting with prefix
// (a key is a prefix of itself, so Watch(key) watches one key and its subtree), by a
// delete-tree whose prefix contains or lies under prefix, or by a Restore. Changes made
// before the call do not close it.
//
// It never starts a goroutine. Watchers of one prefix share a channel; the store forgets
// a channel once it closes it, so a watcher that gives up (a blocking query timing out)
// may simply drop it. The number of watched prefixes is bounded (maxWatchPrefixes):
// beyond it the store wakes every watcher early, which blocking queries tolerate.
//
// A blocking query must call Watch before reading, then wait only if the read's index is
// not past the one it was given: a change between the two then closes the channel it
// holds, and none is missed.
func (s *Store) Watch(prefix string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watches.add(prefix)
}

// Set writes key at index: CreateIndex is kept on update, ModifyIndex becomes index. A
// set that would change nothing (same value and flags) leaves the entry and the store
// index alone, as Consul does. It always succeeds and returns true, Consul's answer to a
// PUT.
func (s *Store) Set(index uint64, key string, value []byte, flags uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	s.set(index, key, value, flags)
	return true
}

// CAS writes key like Set only if its ModifyIndex equals cas; cas 0 means create-only: it
// writes only if the key is absent. It reports whether it wrote.
func (s *Store) CAS(index uint64, key string, value []byte, flags, cas uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	e, ok := s.entries[key]
	if cas == 0 && ok || cas != 0 && (!ok || e.ModifyIndex != cas) {
		return false
	}
	s.set(index, key, value, flags)
	return true
}

// Delete removes key; an absent key is fine and changes nothing. It returns true,
// Consul's answer to a DELETE.
func (s *Store) Delete(index uint64, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	s.delete(index, key)
	return true
}

// DeleteCAS removes key only if its ModifyIndex equals cas, and reports whether the key
// is gone: true if it deleted it, true if it was already absent (Consul's
// kvsDeleteCASTxn), false on a mismatch. cas 0 never matches a present key.
func (s *Store) DeleteCAS(index uint64, key string, cas uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	e, ok := s.entries[key]
	if !ok {
		return true
	}
	if e.ModifyIndex != cas {
		return false
	}
	s.delete(index, key)
	return true
}

// DeleteTree removes every key starting with prefix ("" empties the store). If it removed
// any, the store index becomes index and the watches inside or above prefix fire; an
// empty subtree changes nothing. It returns true.
func (s *Store) DeleteTree(index uint64, prefix string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	lo, hi := s.span(prefix)
	if lo == hi {
		return true
	}
	for _, k := range s.keys[lo:hi] {
		delete(s.entries, k)
	}
	s.keys = slices.Delete(s.keys, lo, hi)
	s.index = index
	s.watches.fireTree(prefix)
	return true
}

// Apply performs r at index and returns its answer: the CAS outcome for cas and
// delete-cas, true for the others. It does not validate r (see Request.Validate): the
// log holds what the leader accepted, and every replica must apply it the same way. An
// unknown Op is an error and changes nothing.
func (s *Store) Apply(index uint64, r Request) (bool, error) {
	switch r.Op {
	case OpSet:
		return s.Set(index, r.Key, r.Value, r.Flags), nil
	case OpCAS:
		return s.CAS(index, r.Key, r.Value, r.Flags, r.Index), nil
	case OpDelete:
		return s.Delete(index, r.Key), nil
	case OpDeleteCAS:
		return s.DeleteCAS(index, r.Key, r.Index), nil
	case OpDeleteTree:
		return s.DeleteTree(index, r.Key), nil
	case OpLock:
		return s.Lock(index, r.Key, r.Value, r.Flags, r.Session), nil
	case OpUnlock:
		return s.Unlock(index, r.Key, r.Value, r.Flags, r.Session), nil
	}
	return false, fmt.Errorf("kv: apply: unknown operation %q", r.Op)
}

// set stores a new entry for key, keeping its lock (LockIndex and Session), as Consul's
// kvsSetTxn does for a write that is not a lock operation; s.mu is held for writing.
func (s *Store) set(index uint64, key string, value []byte, flags uint64) {
	old, ok := s.entries[key]
	session := ""
	if ok {
		session = old.Session
	}
	s.setLocked(index, key, value, flags, session, 0)
}

// setLocked stores a new entry for key with the given session; lockIndex 0 keeps the
// entry's LockIndex. An entry that would not change is left alone. s.mu is held.
func (s *Store) setLocked(index uint64, key string, value []byte, flags uint64, session string, lockIndex uint64) {
	old, ok := s.entries[key]
	if ok && old.sameContent(value, flags) && old.Session == session && (lockIndex == 0 || lockIndex == old.LockIndex) {
		return
	}
	e := &Entry{Key: key, Flags: flags, CreateIndex: index, ModifyIndex: index, Session: session, LockIndex: lockIndex}
	if len(value) > 0 {
		e.Value = slices.Clone(value)
	}
	if ok {
		e.CreateIndex = old.CreateIndex
		if lockIndex == 0 {
			e.LockIndex = old.LockIndex
		}
	} else {
		s.insertKey(key)
	}
	s.entries[key] = e
	s.index = index
	s.watches.fireKey(key)
}

// insertKey adds a new key to the sorted keys; s.mu is held.
func (s *Store) insertKey(key string) {
	i, _ := slices.BinarySearch(s.keys, key)
	s.keys = slices.Insert(s.keys, i, key)
}

// delete removes key if present; s.mu is held for writing.
func (s *Store) delete(index uint64, key string) {
	if _, ok := s.entries[key]; !ok {
		return
	}
	i, _ := slices.BinarySearch(s.keys, key)
	s.keys = slices.Delete(s.keys, i, i+1)
	delete(s.entries, key)
	s.index = index
	s.watches.fireKey(key)
}

// span returns the range of s.keys that start with prefix.
func (s *Store) span(prefix string) (lo, hi int) {
	lo, _ = slices.BinarySearch(s.keys, prefix)
	hi = lo
	for hi < len(s.keys) && strings.HasPrefix(s.keys[hi], prefix) {
		hi++
	}
	return lo, hi
}

func (s *Store) checkIndex(index uint64) {
	if index == 0 || index < s.index {
		panic(fmt.Sprintf("kv: write at raft index %d, store is at %d: indexes must be positive and must not decrease", index, s.index))
	}
}
