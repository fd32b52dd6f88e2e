package node

import (
	"fmt"
	"maps"
	"net"
	"strconv"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/serf"
)

// newMemberlistConfig builds memberlist's configuration on top of the chosen profile's
// defaults (Lifeguard included), always over the caller's transport. The Serf layer
// sets the name, delegates and logger.
func newMemberlistConfig(c *Config) *memberlist.Config {
	var mc *memberlist.Config
	switch c.Profile {
	case "wan":
		mc = memberlist.DefaultWANConfig()
	case "local":
		mc = memberlist.DefaultLocalConfig()
	default:
		mc = memberlist.DefaultLANConfig()
	}
	mc.Name = c.Name
	mc.Transport = c.Transport
	mc.AdvertiseAddr = c.Addr
	mc.AdvertisePort = c.GossipPort
	mc.EnableCompression = !c.DisableGossipCompression
	mc.DisableTcpPings = c.DisableTCPPings
	mc.LogOutput = nil
	return mc
}

// createSerf starts the agent's gossip: the Serf layer over memberlist.
func createSerf(c *Config, obs Observer) (*serf.Serf, error) {
	tags := maps.Clone(c.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	if _, ok := tags[TagRole]; !ok {
		tags[TagRole] = RoleClient
		if c.Server {
			tags[TagRole] = RoleServer
		}
	}
	if c.Server {
		// What other agents need to reach this server, as Consul's server tags: its RPC
		// port, its raft port, and the bootstrap_expect it was started with.
		if c.RPCPort != 0 {
			tags[TagPort] = strconv.Itoa(c.RPCPort)
		}
		if _, port, err := net.SplitHostPort(c.RaftLayer.Addr().String()); err == nil {
			tags[TagRaftPort] = port
		}
		if c.BootstrapExpect > 0 {
			tags[TagExpect] = strconv.Itoa(c.BootstrapExpect)
		}
	}
	s, err := serf.Create(serf.Config{
		Name:       c.Name,
		Tags:       tags,
		Memberlist: newMemberlistConfig(c),
		Options:    c.Gossip,
		Handlers:   c.Handlers,
		Rand:       c.Rand,
		Observer:   &gossipObserver{obs: obs, next: c.GossipObserver},
		LogOutput:  c.LogOutput,
		Clocks:     clockStore(c.GossipClocks),

		UnsafeDeliverDuplicateEvents: c.UnsafeBugs.EventsNotDeduplicated, // a planted bug
	})
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", c.Name, err)
	}
	return s, nil
}

// clockStore is the Serf layer's ClockStore on st, or none.
func clockStore(st raft.StableStore) serf.ClockStore {
	if st == nil {
		return nil
	}
	return stableClocks{st}
}

// gossipObserver turns the Serf layer's member status records into Observer calls and
// passes every record on to the GossipObserver, if there is one.
type gossipObserver struct {
	obs  Observer
	next serf.Observer
}

func (g *gossipObserver) Observe(r serf.Record) {
	if r.Kind == serf.RecordMember {
		g.obs.MemberStatus(r.Self, r.Member.Name, r.Member.Status, r.Member.Address())
	}
	if g.next != nil {
		g.next.Observe(r)
	}
}
