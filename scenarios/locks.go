package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Limits and defaults of workload.locks.
const (
	// MaxLockClients bounds locks.clients; lock client N lives at 127.0.11.N (discovery client N at 127.0.10.N).
	MaxLockClients = 64
	// MaxLockKeys bounds locks.keys.
	MaxLockKeys = 16
	// MinSessionTTL and MaxSessionTTL are Consul's bounds of a session TTL.
	MinSessionTTL = Duration(10 * time.Second)
	MaxSessionTTL = Duration(24 * time.Hour)
	// MaxLockDelay is Consul's cap on a session's lock-delay.
	MaxLockDelay = Duration(60 * time.Second)

	DefaultLockClients = 2
	DefaultLockKey     = "locks/leader"
	DefaultLockHold    = Duration(5 * time.Second)
	DefaultLockWait    = Duration(time.Second)
	DefaultSessionTTL  = Duration(10 * time.Second)
	DefaultLockDelay   = Duration(15 * time.Second)
)

// Locks are lock clients: processes on hosts of their own (127.0.11.N), each bound to one
// agent as an application is to its local agent, that take a Consul lock the way
// Consul's lock recipe does: create a session on the agent (bound to the agent's node
// and its serfHealth check, with TTL and LockDelay), acquire a key with it
// (PUT ?acquire=), hold it while renewing the session every TTL/2, release it
// (PUT ?release=), wait, and again. A client believes it holds the lock from a
// successful acquire until it releases it or stops believing: a renewal answered 404
// (the session is gone), or no renewal confirmed within one TTL of the last one that
// was (it cannot know its session still lives, so it lets go, as a careful client
// must). lock_* events record each step (docs/events.md); the lock-safety checker judges
// them (docs/summary.md, `locks`).
type Locks struct {
	// Clients is the number of lock clients, 1 to MaxLockClients; default 2.
	Clients int `yaml:"clients" json:"clients,omitempty"`
	// Keys are the lock keys; each attempt picks one uniformly. Default [locks/leader].
	Keys []string `yaml:"keys" json:"keys,omitempty"`
	// Agents are the agents the clients talk to: client N uses Agents[(N-1) % len].
	// Default: the client agents in order, or the servers when there are none.
	Agents []string `yaml:"agents" json:"agents,omitempty"`
	// Hold is how long a client keeps a lock it acquired before releasing it; default 5s.
	Hold Duration `yaml:"hold" json:"hold,omitempty"`
	// Wait is the pause after a refused acquire or a release; default 1s.
	Wait Duration `yaml:"wait" json:"wait,omitempty"`
	// TTL is the sessions' TTL, 10s to 24h (Consul's bounds); default 10s.
	TTL Duration `yaml:"ttl" json:"ttl,omitempty"`
	// LockDelay is the sessions' lock-delay, 0 to 60s; default 15s (Consul's). 0 turns
	// it off: then nothing keeps a new holder out while a cut-off one still believes.
	LockDelay *Duration `yaml:"lock_delay" json:"lock_delay,omitempty"`
	// Fenced makes a holder write KEY/fence after its acquire and after each renewal,
	// with the lock's LockIndex in the value: the checker finds writes applied out of
	// LockIndex order.
	Fenced bool `yaml:"fenced" json:"fenced,omitempty"`
}

// Delay is the lock-delay the sessions ask for.
func (l *Locks) Delay() Duration {
	if l.LockDelay == nil {
		return DefaultLockDelay
	}
	return *l.LockDelay
}

// applyDefaults fills the fields left at their zero value (Agents stays empty: its
// default depends on the cluster; LockDelay stays nil: see Delay).
func (l *Locks) applyDefaults() {
	if l.Clients == 0 {
		l.Clients = DefaultLockClients
	}
	if len(l.Keys) == 0 {
		l.Keys = []string{DefaultLockKey}
	}
	if l.Hold == 0 {
		l.Hold = DefaultLockHold
	}
	if l.Wait == 0 {
		l.Wait = DefaultLockWait
	}
	if l.TTL == 0 {
		l.TTL = DefaultSessionTTL
	}
}

// LockAgents is the agents the lock clients use, defaults applied.
func (s *Scenario) LockAgents() []string {
	l := s.Workload.Locks
	if len(l.Agents) > 0 {
		return l.Agents
	}
	names := s.NodeNames()
	if s.Cluster.Clients > 0 {
		return names[s.Cluster.Servers:]
	}
	return names[:s.Cluster.Servers]
}

// checkLocks checks workload.locks.
func checkLocks(c *validator, s *Scenario) {
	if s.Workload == nil || s.Workload.Locks == nil || c.broken("workload.locks") {
		return
	}
	l := s.Workload.Locks
	if c.has("workload.locks.clients", l.Clients != 0) && (l.Clients < 1 || l.Clients > MaxLockClients) {
		c.errorf("workload.locks.clients", "must be between 1 and %d, got %d", MaxLockClients, l.Clients)
	}
	if c.has("workload.locks.keys", len(l.Keys) > 0) {
		if len(l.Keys) == 0 || len(l.Keys) > MaxLockKeys {
			c.errorf("workload.locks.keys", "must list 1 to %d keys (leave it out for [%s]), got %d", MaxLockKeys, DefaultLockKey, len(l.Keys))
		}
		for i, k := range l.Keys {
			p := fmt.Sprintf("workload.locks.keys[%d]", i)
			switch {
			case k == "" || strings.HasPrefix(k, "/") || strings.HasSuffix(k, "/"):
				c.errorf(p, "must be a KV key: not empty, not starting or ending with '/', got %q", k)
			case slices.Index(l.Keys, k) < i:
				c.errorf(p, "%q is listed twice", k)
			case strings.HasPrefix(k, "k") && strings.Trim(k[1:], "0123456789") == "" && len(k) > 1:
				c.errorf(p, "%q is a key of the KV workload (k0, k1, ...): give locks keys of their own", k)
			}
		}
	}
	for i, a := range l.Agents {
		checkNodeName(c, s, fmt.Sprintf("workload.locks.agents[%d]", i), a)
	}
	for _, d := range []struct {
		path     string
		v        Duration
		min, max Duration
	}{
		{"workload.locks.hold", l.Hold, 1, MaxThink},
		{"workload.locks.wait", l.Wait, 1, MaxThink},
		{"workload.locks.ttl", l.TTL, MinSessionTTL, MaxSessionTTL},
	} {
		if c.has(d.path, d.v != 0) && (d.v < d.min || d.v > d.max) {
			if d.min == 1 {
				c.errorf(d.path, "must be above 0s and at most %s, got %s", d.max, d.v)
			} else {
				c.errorf(d.path, "must be between %s and %s, got %s", d.min, d.max, d.v)
			}
		}
	}
	if l.LockDelay != nil && (*l.LockDelay < 0 || *l.LockDelay > MaxLockDelay) {
		c.errorf("workload.locks.lock_delay", "must be between 0s and %s (Consul's cap), got %s", MaxLockDelay, *l.LockDelay)
	}
}
