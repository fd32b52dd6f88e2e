package node

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/consim/consim/node/kv"
	"github.com/consim/consim/node/session"
)

// Session operations (SessionRequest.Op): create and destroy go through raft on the
// leader; renew resets the leader's timer only, as in Consul.
const (
	SessionCreate  = "create"
	SessionDestroy = "destroy"
	SessionRenew   = "renew"
)

// SessionRequest is a session write, as forwarded between agents.
type SessionRequest struct {
	Op      string          `json:"op"`
	Session session.Session `json:"session"`
}

// SessionReply answers it: the new session's ID for a create, the renewed session for a
// renew (nil when the session does not exist).
type SessionReply struct {
	ID      string           `json:"id,omitempty"`
	Session *session.Session `json:"session,omitempty"`
}

// applySession runs req on the leader, forwarding it there from a follower.
func (s *serverKV) applySession(ctx context.Context, req SessionRequest) (SessionReply, error) {
	if req.Op == SessionCreate {
		v, err := session.Validate(req.Session)
		if err != nil {
			return SessionReply{}, err
		}
		req.Session = v
	}
	if !s.isLeader() {
		var reply SessionReply
		err := s.forward(ctx, "Session.Apply", req, &reply, func() (err error) {
			reply, err = s.applySessionLocal(req)
			return err
		})
		return reply, err
	}
	return s.applySessionLocal(req)
}

func (s *serverKV) applySessionLocal(req SessionRequest) (SessionReply, error) {
	srv := s.srv
	switch req.Op {
	case SessionRenew:
		sess, _ := srv.fsm.sessions.Get(req.Session.ID)
		if sess == nil {
			return SessionReply{}, nil
		}
		srv.ttl.reset(*sess, srv.expireSession)
		return SessionReply{Session: sess}, nil
	case SessionCreate:
		// The ID is chosen here, before the log: every replica must apply the same one.
		// Inside the simulation the global source is seeded from the run seed.
		for {
			req.Session.ID = newUUID()
			if old, _ := srv.fsm.sessions.Get(req.Session.ID); old == nil {
				break
			}
		}
	case SessionDestroy:
	default:
		return SessionReply{}, fmt.Errorf("Invalid session operation %q", req.Op)
	}
	op := session.OpCreate
	if req.Op == SessionDestroy {
		op = session.OpDestroy
	}
	f := srv.raft.Apply(encodeSession(session.Request{Op: op, Session: req.Session}), enqueueLimit)
	if err := f.Error(); err != nil {
		return SessionReply{}, err
	}
	res, ok := f.Response().(SessionResult)
	if !ok {
		return SessionReply{}, fmt.Errorf("unexpected FSM response %T", f.Response())
	}
	if res.Err != nil {
		return SessionReply{}, res.Err
	}
	if req.Op == SessionDestroy {
		srv.ttl.clear(req.Session.ID)
		return SessionReply{}, nil
	}
	srv.ttl.reset(req.Session, srv.expireSession)
	return SessionReply{ID: req.Session.ID}, nil
}

// lockDelayed says whether the leader refuses a lock of req.Key for its lock-delay (the
// answer is then false, as Consul's KVS.Apply gives, and nothing reaches raft). The
// planted bug no-lock-delay skips the check.
func (s *serverKV) lockDelayed(req kv.Request) bool {
	if req.Op != kv.OpLock || s.bugs.NoLockDelay {
		return false
	}
	left := s.srv.fsm.lockDelay.remaining(req.Key, time.Now())
	if left <= 0 {
		return false
	}
	if s.srv.sessionObs != nil {
		s.srv.sessionObs.LockDelayed(string(s.self), req.Key, req.Session, left)
	}
	return true
}

// newUUID returns a random version-4 UUID in Consul's text form.
func newUUID() string {
	a, b := rand.Uint64(), rand.Uint64()
	a = a&^0xf000 | 0x4000     // version 4
	b = b&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}
