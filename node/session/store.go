package session

import (
	"fmt"
	"slices"
	"sync"
)

// Store is the session table: sessions by ID, the index of the last change, and the
// watch of blocking queries.
//
// All methods are safe for concurrent use: reads take a read lock, so the HTTP API may
// read while raft applies. Sessions the store holds are never modified in place, and
// reads return copies. Writes take the raft index they are applied at; a write at index
// 0 or below the store's index is a harness bug and panics.
type Store struct {
	mu       sync.RWMutex
	sessions map[string]*Session
	ids      []string // the keys of sessions, sorted
	index    uint64
	watch    chan struct{} // closed by the next change; nil while nobody watches
}

// NewStore returns an empty table.
func NewStore() *Store { return &Store{sessions: map[string]*Session{}} }

// Index returns the raft index of the last change, 0 if the table never changed.
func (s *Store) Index() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.index
}

func (s *Store) readIndex() uint64 { return max(s.index, 1) }

// Watch returns a channel the next change (or a Restore) closes; see catalog.Store.Watch.
func (s *Store) Watch() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watch == nil {
		s.watch = make(chan struct{})
	}
	return s.watch
}

func (s *Store) fire() {
	if s.watch != nil {
		close(s.watch)
		s.watch = nil
	}
}

func (s *Store) checkIndex(index uint64) {
	if index == 0 || index < s.index {
		panic(fmt.Sprintf("session: write at raft index %d, table is at %d: indexes must be positive and must not decrease", index, s.index))
	}
}

// Create stores sess at index (CreateIndex and ModifyIndex become index). An ID already
// in the table is an error and changes nothing (the leader picks fresh IDs, so it means a
// replayed or forged entry).
func (s *Store) Create(index uint64, sess Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	if sess.ID == "" {
		return fmt.Errorf("Missing session ID")
	}
	if _, ok := s.sessions[sess.ID]; ok {
		return fmt.Errorf("Session %q already exists", sess.ID)
	}
	c := sess.clone()
	c.CreateIndex, c.ModifyIndex = index, index
	s.sessions[c.ID] = &c
	i, _ := slices.BinarySearch(s.ids, c.ID)
	s.ids = slices.Insert(s.ids, i, c.ID)
	s.index = index
	s.fire()
	return nil
}

// Destroy removes the session id at index and returns it; an absent ID changes nothing
// and returns false, as Consul's destroy of an unknown session succeeds quietly.
func (s *Store) Destroy(index uint64, id string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	sess, ok := s.sessions[id]
	if !ok {
		return Session{}, false
	}
	delete(s.sessions, id)
	i, _ := slices.BinarySearch(s.ids, id)
	s.ids = slices.Delete(s.ids, i, i+1)
	s.index = index
	s.fire()
	return sess.clone(), true
}

// Get returns the session id (nil if absent) and the index a read reports.
func (s *Store) Get(id string) (*Session, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if sess, ok := s.sessions[id]; ok {
		c := sess.clone()
		return &c, s.readIndex()
	}
	return nil, s.readIndex()
}

// List returns the sessions keep accepts (nil keeps all), in ID order.
func (s *Store) List(keep func(*Session) bool) ([]Session, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Session
	for _, id := range s.ids {
		if sess := s.sessions[id]; keep == nil || keep(sess) {
			out = append(out, sess.clone())
		}
	}
	return out, s.readIndex()
}
