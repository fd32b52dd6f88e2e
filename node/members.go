package node

import (
	"fmt"

	"github.com/consim/consim/node/serf"
)

// The gossip side of the agent: membership, tags, leave, user events, queries and
// handlers, all through the Serf layer.

// Tag conventions. Every agent advertises its role in the "role" tag, as Consul's do
// (Consul writes role=consul for servers): servers find each other, and clients find
// servers, by reading members' tags. Config.Tags may set more (datacenter, ports).
const (
	TagRole    = "role"
	RoleServer = "server"
	RoleClient = "client"
)

// Servers returns the members this agent sees alive with role=server, in name order.
func (a *Agent) Servers() []serf.Member {
	var out []serf.Member
	for _, m := range a.serf.Members() {
		if m.Status == serf.StatusAlive && m.Tags[TagRole] == RoleServer {
			out = append(out, m)
		}
	}
	return out
}

// Join contacts the given gossip addresses ("ip:port", IP literals only) and returns how
// many answered. Any one member will do: C can join through A or B alike, and gossip
// tells everyone about everyone. An address nobody answers at fails after memberlist's
// TCP timeout; a name that is not an IP literal fails at once (no DNS).
func (a *Agent) Join(addrs ...string) (int, error) {
	n, err := a.serf.Join(addrs...)
	if err != nil {
		return n, fmt.Errorf("node %s: %w", a.cfg.Name, err)
	}
	return n, nil
}

// Members returns every member the agent knows, itself included, with tags and status
// (alive, leaving, left, failed), in name order. Failed and left members stay until they
// are reaped.
func (a *Agent) Members() []serf.Member { return a.serf.Members() }

// LocalMember returns the agent itself as a member.
func (a *Agent) LocalMember() serf.Member { return a.serf.LocalMember() }

// Tags returns a copy of the agent's tags.
func (a *Agent) Tags() map[string]string { return a.serf.Tags() }

// SetTags replaces the agent's tags and gossips them; members see a member-update.
func (a *Agent) SetTags(tags map[string]string) error {
	if err := a.serf.SetTags(tags); err != nil {
		return fmt.Errorf("node %s: %w", a.cfg.Name, err)
	}
	return nil
}

// Leave leaves the gossip pool gracefully (every member records the agent left, not
// failed). It blocks for a few gossip rounds plus the leave propagation delay; call
// Shutdown afterwards. Raft membership is not changed: a server that leaves stays a
// voter until it is removed.
func (a *Agent) Leave() error {
	if err := a.serf.Leave(); err != nil {
		return fmt.Errorf("node %s: %w", a.cfg.Name, err)
	}
	return nil
}

// ForceLeave forces a failed member out of the pool (it becomes left everywhere);
// with prune, every member forgets it at once.
func (a *Agent) ForceLeave(member string, prune bool) error {
	if err := a.serf.ForceLeave(member, prune); err != nil {
		return fmt.Errorf("node %s: %w", a.cfg.Name, err)
	}
	return nil
}

// FireEvent fires a user event and returns its Lamport time. Name plus payload are
// limited to Config.Gossip.EventSizeLimit (512 bytes by default).
func (a *Agent) FireEvent(name string, payload []byte, opts serf.EventOptions) (serf.LamportTime, error) {
	lt, err := a.serf.UserEvent(name, payload, opts)
	if err != nil {
		return 0, fmt.Errorf("node %s: %w", a.cfg.Name, err)
	}
	return lt, nil
}

// Query starts a query; the response collects acks and answers until its timeout.
func (a *Agent) Query(name string, payload []byte, params *serf.QueryParams) (*serf.QueryResponse, error) {
	r, err := a.serf.Query(name, payload, params)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", a.cfg.Name, err)
	}
	return r, nil
}

// AddHandler registers an event handler with Serf's filter syntax
// ("member-join,user:deploy"); an unknown event in the filter is an error.
func (a *Agent) AddHandler(spec serf.HandlerSpec) error {
	if err := a.serf.AddHandler(spec); err != nil {
		return fmt.Errorf("node %s: %w", a.cfg.Name, err)
	}
	return nil
}

// Serf exposes the agent's gossip layer for callers that need more than the agent offers.
func (a *Agent) Serf() *serf.Serf { return a.serf }
