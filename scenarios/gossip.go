package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/consim/consim/node/serf/filter"
)

// Limits and defaults of the gossip section. The sizes are the Serf layer's (node/serf),
// copied so that the host does not link memberlist; node/serf's limits_test.go keeps the
// two in step.
const (
	// DefaultEventSizeLimit is what a user event's name + payload may take by default.
	DefaultEventSizeLimit = 512
	// MaxEventSizeLimit is the hard cap: one encoded event must fit a gossip packet.
	MaxEventSizeLimit = 1024
	// MaxQuerySize bounds a query's name + payload, and MaxResponseSize an answer.
	MaxQuerySize    = 1024
	MaxResponseSize = 1024
	// MaxCoalescePeriod bounds the coalescing periods.
	MaxCoalescePeriod = Duration(time.Hour)
	// MinReapInterval and MaxReapInterval bound gossip.reap_interval.
	MinReapInterval = Duration(time.Second)
	MaxReapInterval = Duration(time.Hour)
	// MinReapTimeout bounds reconnect_timeout and tombstone_timeout from below; the run's
	// longest duration bounds them from above.
	MinReapTimeout = Duration(time.Second)
	// MaxHandlers bounds gossip.handlers.
	MaxHandlers = 32
)

// Gossip profiles, as written in gossip.profile: memberlist's timing defaults.
const (
	ProfileLAN   = "lan"
	ProfileWAN   = "wan"
	ProfileLocal = "local"
)

// Gossip tunes the Serf layer of every agent. Every field is optional; a field left out
// (zero) takes the Serf layer's default, given in docs/scenarios.md.
type Gossip struct {
	// Profile is memberlist's timing profile: lan (the default), wan or local.
	Profile string `yaml:"profile" json:"profile,omitempty"`
	// EventSizeLimit bounds a user event's name + payload in bytes, 1 to
	// MaxEventSizeLimit (default 512).
	EventSizeLimit int `yaml:"event_size_limit" json:"event_size_limit,omitempty"`
	// CoalescePeriod and QuiescentPeriod coalesce member events for handlers; 0 (the
	// default) does not coalesce.
	CoalescePeriod  Duration `yaml:"coalesce_period" json:"coalesce_period,omitempty"`
	QuiescentPeriod Duration `yaml:"quiescent_period" json:"quiescent_period,omitempty"`
	// UserCoalescePeriod and UserQuiescentPeriod coalesce user events fired with
	// coalesce: true.
	UserCoalescePeriod  Duration `yaml:"user_coalesce_period" json:"user_coalesce_period,omitempty"`
	UserQuiescentPeriod Duration `yaml:"user_quiescent_period" json:"user_quiescent_period,omitempty"`
	// ReapInterval is how often failed and left members are checked (default 15s);
	// ReconnectTimeout and TombstoneTimeout are how long failed and left members are
	// kept (default 24h each).
	ReapInterval     Duration `yaml:"reap_interval" json:"reap_interval,omitempty"`
	ReconnectTimeout Duration `yaml:"reconnect_timeout" json:"reconnect_timeout,omitempty"`
	TombstoneTimeout Duration `yaml:"tombstone_timeout" json:"tombstone_timeout,omitempty"`
	// Replay makes nodes that join (or rejoin) during the run receive the user events
	// the cluster still remembers; by default they receive only later ones.
	Replay bool `yaml:"replay" json:"replay,omitempty"`
	// Handlers are in-process event handlers; every invocation is recorded.
	Handlers []Handler `yaml:"handlers" json:"handlers,omitempty"`
	// DisableTCPPings turns off memberlist's TCP fallback probe (its DisableTcpPings).
	// With the fallback, a node that gets no UDP but can still speak TCP is kept alive;
	// without it (older agents, a firewall that also drops the fallback) it flaps.
	DisableTCPPings bool `yaml:"disable_tcp_pings" json:"disable_tcp_pings,omitempty"`
}

// Handler is an event handler, as Serf's agent runs them: a filter of the events it
// receives, and the nodes it runs on. In the simulation it records its invocations and,
// for queries, answers.
type Handler struct {
	// Name names the handler in the stream; default the filter.
	Name string `yaml:"name" json:"name,omitempty"`
	// Filter is Serf's syntax: member-join, member-leave, member-failed, member-update,
	// member-reap, user, user:NAME, query, query:NAME or *, comma-separated. Required.
	Filter string `yaml:"filter" json:"filter"`
	// Nodes lists the nodes that run the handler; default every node.
	Nodes []string `yaml:"nodes" json:"nodes,omitempty"`
	// Respond, if set, is the answer the handler gives to every query it receives.
	Respond string `yaml:"respond" json:"respond,omitempty"`
	// RegisterService, if set, is what the handler does with member events: it registers
	// a service for every member that joins through its own agent's local API, and
	// deregisters it when the member leaves or is reaped (gossip_register.go).
	RegisterService *RegisterService `yaml:"register_service" json:"register_service,omitempty"`
}

// checkGossip checks the gossip section.
func checkGossip(c *validator, s *Scenario) {
	g := s.Gossip
	if c.has("gossip.profile", g.Profile != "") {
		if !slices.Contains([]string{ProfileLAN, ProfileWAN, ProfileLocal}, g.Profile) {
			c.errorf("gossip.profile", "must be one of lan, wan, local, got %q", g.Profile)
		}
	}
	if c.has("gossip.event_size_limit", g.EventSizeLimit != 0) && (g.EventSizeLimit < 1 || g.EventSizeLimit > MaxEventSizeLimit) {
		c.errorf("gossip.event_size_limit", "must be between 1 and %d bytes (an event must fit one gossip packet), got %d", MaxEventSizeLimit, g.EventSizeLimit)
	}
	for _, p := range []struct {
		key, needs string
		v, with    Duration
	}{
		{"coalesce_period", "", g.CoalescePeriod, 0},
		{"quiescent_period", "coalesce_period", g.QuiescentPeriod, g.CoalescePeriod},
		{"user_coalesce_period", "", g.UserCoalescePeriod, 0},
		{"user_quiescent_period", "user_coalesce_period", g.UserQuiescentPeriod, g.UserCoalescePeriod},
	} {
		path := "gossip." + p.key
		if !c.has(path, p.v != 0) {
			continue
		}
		switch {
		case p.v < 0 || p.v > MaxCoalescePeriod:
			c.errorf(path, "must be between 0s and %s, got %s", MaxCoalescePeriod, p.v)
		case p.needs != "" && p.v > 0 && p.with <= 0:
			c.errorf(path, "applies only with %s (a quiescent period ends a coalescing window early)", p.needs)
		}
	}
	if c.has("gossip.reap_interval", g.ReapInterval != 0) && (g.ReapInterval < MinReapInterval || g.ReapInterval > MaxReapInterval) {
		c.errorf("gossip.reap_interval", "must be between %s and %s, got %s", MinReapInterval, MaxReapInterval, g.ReapInterval)
	}
	for _, p := range []struct {
		key string
		v   Duration
	}{{"reconnect_timeout", g.ReconnectTimeout}, {"tombstone_timeout", g.TombstoneTimeout}} {
		if c.has("gossip."+p.key, p.v != 0) && (p.v < MinReapTimeout || p.v > MaxDuration) {
			c.errorf("gossip."+p.key, "must be between %s and %s, got %s", MinReapTimeout, MaxDuration, p.v)
		}
	}
	if len(g.Handlers) > MaxHandlers {
		c.errorf("gossip.handlers", "at most %d handlers, got %d", MaxHandlers, len(g.Handlers))
	}
	for i, h := range g.Handlers {
		checkHandler(c, s, fmt.Sprintf("gossip.handlers[%d]", i), h)
	}
}

func checkHandler(c *validator, s *Scenario, path string, h Handler) {
	if c.broken(path) {
		return
	}
	if c.has(path+".name", h.Name != "") && (h.Name == "" || strings.ContainsAny(h.Name, "\n\t")) {
		c.errorf(path+".name", "must be a non-empty name on one line, got %q", h.Name)
	}
	var fs []filter.EventFilter
	if !c.has(path+".filter", h.Filter != "") {
		c.missing(path + ".filter")
	} else if parsed, err := filter.ParseEvents(h.Filter); err != nil {
		c.errorf(path+".filter", "%v", err)
	} else {
		fs = parsed
	}
	if c.has(path+".nodes", len(h.Nodes) > 0) {
		if len(h.Nodes) == 0 {
			c.errorf(path+".nodes", "must list at least one node (leave it out for every node)")
		}
		for j, n := range h.Nodes {
			checkNodeName(c, s, fmt.Sprintf("%s.nodes[%d]", path, j), n)
		}
	}
	if c.has(path+".respond", h.Respond != "") && fs != nil {
		answers := slices.ContainsFunc(fs, func(f filter.EventFilter) bool { return f.Event == "query" || f.Event == "*" })
		switch {
		case !answers:
			c.errorf(path+".respond", "applies only to a handler whose filter takes queries (query, query:NAME or *), not %q", h.Filter)
		case len(h.Respond) > MaxResponseSize:
			c.errorf(path+".respond", "answer of %d bytes, over the limit of %d", len(h.Respond), MaxResponseSize)
		}
	}
	if c.has(path+".register_service", h.RegisterService != nil) && fs != nil {
		checkRegisterService(c, path+".register_service", h, fs)
	}
}

// NodeNames returns the names of the scenario's nodes: server-1.. then client-1... Each
// count is bounded by MaxNodes, so that validating a scenario with an absurd count does
// not build an absurd list.
func (s *Scenario) NodeNames() []string {
	var out []string
	for i := 1; i <= min(s.Cluster.Servers, MaxNodes); i++ {
		out = append(out, fmt.Sprintf("server-%d", i))
	}
	for i := 1; i <= min(s.Cluster.Clients, MaxNodes); i++ {
		out = append(out, fmt.Sprintf("client-%d", i))
	}
	return out
}

// checkNodeName reports whether name is a node of the cluster, and says so if not.
func checkNodeName(c *validator, s *Scenario, path, name string) bool {
	var kind string
	var n, max int
	switch {
	case strings.HasPrefix(name, "server-"):
		kind, max = "server", s.Cluster.Servers
		_, err := fmt.Sscanf(name, "server-%d", &n)
		if err != nil || fmt.Sprintf("server-%d", n) != name {
			n = -1
		}
	case strings.HasPrefix(name, "client-"):
		kind, max = "client", s.Cluster.Clients
		_, err := fmt.Sscanf(name, "client-%d", &n)
		if err != nil || fmt.Sprintf("client-%d", n) != name {
			n = -1
		}
	default:
		c.errorf(path, "no node %q: nodes are named server-N and client-N", name)
		return false
	}
	if n < 1 || n > max {
		if max == 0 {
			c.errorf(path, "no node %q: the cluster has no %ss", name, kind)
		} else {
			c.errorf(path, "no node %q: %ss are %s-1 to %s-%d", name, kind, kind, kind, max)
		}
		return false
	}
	return true
}
