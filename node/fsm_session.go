package node

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/kv"
	"github.com/consim/consim/node/session"
)

// Sessions in the server's state machine. The session table (node/session) is pure; what
// ties it to the KV store and the catalog lives here, where all three are at hand, so
// that one raft entry changes them together, as one memdb transaction does in Consul's
// state store:
//   - a create needs its node in the catalog and its checks there, none critical;
//   - a lock needs its session to exist;
//   - destroying a session, or a catalog write that makes its node vanish or one of its
//     checks vanish or go critical, invalidates it: its keys are released (or deleted,
//     with behaviour delete), and each such key gets the session's lock-delay.
//
// Lock-delay is not replicated state: each server stamps it with its own clock when it
// applies the invalidation, and only the leader consults it, before a lock reaches raft
// (Consul's KVS.Apply does the same, so that followers never disagree on an entry).

// sessionReasons say why a session was invalidated, as events record it.
const (
	ReasonDestroy = "destroy" // PUT /v1/session/destroy
	ReasonTTL     = "ttl"     // the leader's TTL timer fired
	ReasonNode    = "node"    // its node left the catalog
)

// SessionResult is what Apply returns for a session write.
type SessionResult struct {
	Err error
}

// lockDelays holds, per key, the moment until which the leader refuses to lock it.
type lockDelays struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func (l *lockDelays) set(key string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.until == nil {
		l.until = map[string]time.Time{}
	}
	if until.After(l.until[key]) {
		l.until[key] = until
	}
}

// remaining is how long key stays delayed after now; 0 if it is not.
func (l *lockDelays) remaining(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.until[key]
	if !ok {
		return 0
	}
	if !u.After(now) {
		delete(l.until, key)
		return 0
	}
	return u.Sub(now)
}

// encodeSession frames a session write for the raft log.
func encodeSession(r session.Request) []byte {
	return append([]byte{byte(kv.SessionRequestType)}, session.Encode(r)...)
}

// applySession applies a session write at index.
func (f *serverFSM) applySession(index uint64, data []byte) SessionResult {
	r, err := session.Decode(data)
	if err != nil {
		return SessionResult{Err: fmt.Errorf("session: apply log %d: %w", index, err)}
	}
	switch r.Op {
	case session.OpCreate:
		if err := f.sessionBindings(r.Session); err != nil {
			return SessionResult{Err: err}
		}
		if err := f.sessions.Create(index, r.Session); err != nil {
			return SessionResult{Err: err}
		}
		if f.onSession != nil {
			s, _ := f.sessions.Get(r.Session.ID)
			f.onSession(SessionChange{Index: index, Session: *s, Created: true})
		}
	case session.OpDestroy:
		reason := r.Reason
		if reason == "" {
			reason = ReasonDestroy
		}
		f.invalidate(index, r.Session.ID, reason)
	}
	return SessionResult{}
}

// sessionBindings checks that a new session's node and checks (node checks and service
// checks alike, all checks of its node) are in the catalog and no check is critical,
// with Consul's messages (state/session.go).
func (f *serverFSM) sessionBindings(s session.Session) error {
	node, _, _ := f.catalog.NodeServices(s.Node)
	if node == nil {
		return errors.New("Missing node registration")
	}
	checks, _ := f.catalog.Checks(func(c *catalog.Check) bool { return c.Node == s.Node })
	for _, id := range s.CheckIDs() {
		i := slices.IndexFunc(checks, func(c catalog.Check) bool { return c.CheckID == id })
		if i < 0 {
			return fmt.Errorf("Missing check '%s' registration", id)
		}
		if checks[i].Status == catalog.Critical {
			return fmt.Errorf("Check '%s' is in %s state", id, checks[i].Status)
		}
	}
	return nil
}

// invalidate destroys session id at index, releases or deletes its keys and starts their
// lock-delay. An unknown ID changes nothing.
func (f *serverFSM) invalidate(index uint64, id, reason string) {
	s, ok := f.sessions.Destroy(index, id)
	if !ok {
		return
	}
	keys := f.Store().ReleaseSession(index, id, s.Behavior == session.BehaviorDelete)
	delay := min(s.LockDelay, session.MaxLockDelay)
	if delay > 0 && len(keys) > 0 {
		until := f.now().Add(delay)
		for _, k := range keys {
			f.lockDelay.set(k, until)
		}
	}
	if f.onSession != nil {
		f.onSession(SessionChange{Index: index, Session: s, Reason: reason, Keys: keys, LockDelay: delay})
	}
}

// invalidateForCatalog invalidates, after a catalog write at index, every session whose
// node left the catalog or one of whose checks is gone or critical, in ID order.
func (f *serverFSM) invalidateForCatalog(index uint64) {
	all, _ := f.sessions.List(nil)
	for _, s := range all {
		if reason := f.sessionBroken(s); reason != "" {
			f.invalidate(index, s.ID, reason)
		}
	}
}

// sessionBroken says why s no longer holds ("" if it does).
func (f *serverFSM) sessionBroken(s session.Session) string {
	node, _, _ := f.catalog.NodeServices(s.Node)
	if node == nil {
		return ReasonNode
	}
	ids := s.CheckIDs()
	if len(ids) == 0 {
		return ""
	}
	checks, _ := f.catalog.Checks(func(c *catalog.Check) bool { return c.Node == s.Node })
	for _, id := range ids {
		i := slices.IndexFunc(checks, func(c catalog.Check) bool { return c.CheckID == id })
		if i < 0 {
			return "check " + id + " deregistered"
		}
		if checks[i].Status == catalog.Critical {
			return "check " + id + " critical"
		}
	}
	return ""
}

// checkLockSession refuses a lock or unlock before it reaches the KV store, with
// Consul's messages: a lock needs a session that exists, an unlock a session ID.
func (f *serverFSM) checkLockSession(r kv.Request) error {
	if r.Session == "" {
		return errors.New("missing session")
	}
	if r.Op == kv.OpLock {
		if s, _ := f.sessions.Get(r.Session); s == nil {
			return fmt.Errorf("invalid session %q", r.Session)
		}
	}
	return nil
}

// SessionChange is a session created or invalidated by a server's state machine: for an
// invalidation, why, the keys it released (or deleted) and the lock-delay they got.
type SessionChange struct {
	Index     uint64
	Session   session.Session
	Created   bool
	Reason    string
	Keys      []string
	LockDelay time.Duration
}
