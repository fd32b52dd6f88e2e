package session

import (
	"fmt"
	"slices"
	"time"
)

// Behaviours: what invalidating a session does to the keys it holds.
const (
	BehaviorRelease = "release" // the keys stay, unlocked (Consul's default)
	BehaviorDelete  = "delete"  // the keys are deleted
)

// Consul's limits (agent/structs): a TTL is 0 (none) or between TTLMin (the servers'
// default session_ttl_min) and TTLMax; the leader expires a session TTLMultiplier times
// its TTL after the last renewal (the grace Consul's contract allows); a lock-delay is
// capped at MaxLockDelay when it is applied; DefaultLockDelay is the agent's default.
const (
	TTLMin           = 10 * time.Second
	TTLMax           = 24 * time.Hour
	TTLMultiplier    = 2
	MaxLockDelay     = 60 * time.Second
	DefaultLockDelay = 15 * time.Second
)

// Session is one session, with the JSON field names and order of Consul's
// structs.Session as the HTTP API answers it. LockDelay is in nanoseconds, as Consul
// sends it; TTL is the duration text the session was created with ("" for none).
type Session struct {
	ID            string
	Name          string
	Node          string
	LockDelay     time.Duration
	Behavior      string
	TTL           string
	NodeChecks    []string
	ServiceChecks []ServiceCheck
	CreateIndex   uint64
	ModifyIndex   uint64
}

// ServiceCheck is a service check a session is bound to, as Consul's structs.ServiceCheck
// (Namespace is Consul Enterprise's; kept so the JSON is Consul's, always "" here).
type ServiceCheck struct {
	ID        string
	Namespace string
}

// CheckIDs returns the IDs of every check the session is bound to, node checks then
// service checks: Consul treats them alike, each a check of the session's node that
// must exist and not be critical (structs.Session.CheckIDs).
func (s *Session) CheckIDs() []string {
	ids := slices.Clone(s.NodeChecks)
	for _, c := range s.ServiceChecks {
		ids = append(ids, c.ID)
	}
	return ids
}

// clone returns a deep copy.
func (s *Session) clone() Session {
	c := *s
	c.NodeChecks = slices.Clone(s.NodeChecks)
	c.ServiceChecks = slices.Clone(s.ServiceChecks)
	return c
}

// TTLDuration parses the session's TTL; 0 for none.
func (s *Session) TTLDuration() time.Duration {
	d, _ := time.ParseDuration(s.TTL)
	return d
}

// Validate checks what a create carries before it is submitted to raft, with Consul's
// messages (agent/consul/session_endpoint.go): the behaviour ("" becomes release) and the
// TTL. It returns the session with defaults applied.
func Validate(s Session) (Session, error) {
	switch s.Behavior {
	case "":
		s.Behavior = BehaviorRelease
	case BehaviorRelease, BehaviorDelete:
	default:
		return s, fmt.Errorf("Invalid Behavior setting '%s'", s.Behavior)
	}
	if s.TTL != "" {
		ttl, err := time.ParseDuration(s.TTL)
		if err != nil {
			return s, fmt.Errorf("Session TTL '%s' invalid: %v", s.TTL, err)
		}
		if ttl != 0 && (ttl < TTLMin || ttl > TTLMax) {
			return s, fmt.Errorf("Invalid Session TTL '%d', must be between [%v=%v]", ttl, TTLMin, TTLMax)
		}
	}
	return s, nil
}
