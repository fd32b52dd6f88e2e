package kv

// Locks, as Consul's state store takes them (kvsLockTxn, kvsUnlockTxn): a key is locked
// while its Session is set; LockIndex counts how many times a session acquired it. The
// store trusts the caller to have checked that the session exists (the server's state
// machine does, with the session table), and knows nothing of lock-delay, which the
// leader enforces before a lock reaches raft.

// Lock writes value and flags at key and locks it for session, and reports whether the
// session holds the lock now: true if it already held it (LockIndex unchanged) or the key
// was free or absent (LockIndex goes up by one; a new key starts at 1); false, changing
// nothing, if another session holds it.
func (s *Store) Lock(index uint64, key string, value []byte, flags uint64, session string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	lockIndex := uint64(1)
	if e, ok := s.entries[key]; ok {
		switch e.Session {
		case session:
			lockIndex = e.LockIndex
		case "":
			lockIndex = e.LockIndex + 1
		default:
			return false
		}
	}
	s.setLockedForce(index, key, value, flags, session, lockIndex)
	return true
}

// Unlock writes value and flags at key and unlocks it, if session holds it; it reports
// whether it did (false for an absent key or another holder, changing nothing).
func (s *Store) Unlock(index uint64, key string, value []byte, flags uint64, session string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	e, ok := s.entries[key]
	if !ok || e.Session != session {
		return false
	}
	s.setLockedForce(index, key, value, flags, "", e.LockIndex)
	return true
}

// ReleaseSession unlocks every key session holds (or, with del, deletes them), at index,
// as invalidating a session does, and returns those keys in order.
func (s *Store) ReleaseSession(index uint64, session string, del bool) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkIndex(index)
	// A scan: the store has no session index, and consim's stores hold few keys.
	var held []string
	for _, k := range s.keys {
		if s.entries[k].Session == session {
			held = append(held, k)
		}
	}
	for _, k := range held {
		if del {
			s.delete(index, k)
			continue
		}
		e := s.entries[k]
		s.setLockedForce(index, k, e.Value, e.Flags, "", e.LockIndex)
	}
	return held
}

// setLockedForce stores the entry even when only its lock changed, moving ModifyIndex
// as Consul does for every lock operation that succeeds; s.mu is held.
func (s *Store) setLockedForce(index uint64, key string, value []byte, flags uint64, session string, lockIndex uint64) {
	old, ok := s.entries[key]
	e := &Entry{Key: key, Flags: flags, CreateIndex: index, ModifyIndex: index, Session: session, LockIndex: lockIndex}
	if len(value) > 0 {
		e.Value = append([]byte(nil), value...)
	}
	if ok {
		e.CreateIndex = old.CreateIndex
	} else {
		s.insertKey(key)
	}
	s.entries[key] = e
	s.index = index
	s.watches.fireKey(key)
}
