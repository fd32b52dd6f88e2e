package node

import (
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/session"
)

// sessionTimers are the leader's TTL timers, as Consul's (agent/consul/session_ttl.go):
// armed for every session with a TTL when this server becomes ready as leader, re-armed
// by a create or a renewal, cleared by a destroy and, all of them, when leadership is
// lost. A timer fires TTLMultiplier times the TTL after it was armed (Consul's grace) and
// destroys the session through raft. Followers hold none: a new leader re-arms from the
// replicated table, so a session gets at least its full grace after a change of leader.
type sessionTimers struct {
	mu     sync.Mutex
	timers map[string]*time.Timer
}

// reset arms (or re-arms) the timer of s; a session without a TTL has none.
func (t *sessionTimers) reset(s session.Session, expire func(id string)) {
	ttl := s.TTLDuration()
	if ttl <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timers == nil {
		t.timers = map[string]*time.Timer{}
	}
	if old := t.timers[s.ID]; old != nil {
		old.Stop()
	}
	id := s.ID
	t.timers[id] = time.AfterFunc(ttl*session.TTLMultiplier, func() { expire(id) })
}

// clear stops and forgets the timer of id.
func (t *sessionTimers) clear(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old := t.timers[id]; old != nil {
		old.Stop()
		delete(t.timers, id)
	}
}

// clearAll stops every timer (leadership lost, or shutdown).
func (t *sessionTimers) clearAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, tm := range t.timers {
		tm.Stop()
		delete(t.timers, id)
	}
}

// armSessionTimers arms a timer for every session with a TTL: called once this server
// is ready as leader in a new term.
func (s *server) armSessionTimers() {
	all, _ := s.fsm.sessions.List(nil)
	for _, sess := range all {
		s.ttl.reset(sess, s.expireSession)
	}
}

// expireSession destroys session id through raft when its timer fires, while this server
// leads; a failed apply is retried a few times with a growing pause, as Consul's
// invalidateSession does (a new leader re-arms the timer anyway).
func (s *server) expireSession(id string) {
	s.ttl.clear(id)
	for attempt := range 4 {
		if s.raft.State() != raft.Leader {
			return
		}
		req := session.Request{Op: session.OpDestroy, Session: session.Session{ID: id}, Reason: ReasonTTL}
		if err := s.raft.Apply(encodeSession(req), enqueueLimit).Error(); err == nil {
			return
		}
		select {
		case <-time.After(time.Duration(1<<attempt) * 500 * time.Millisecond):
		case <-s.done:
			return
		}
	}
}
