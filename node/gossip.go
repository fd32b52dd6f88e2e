package node

import (
	"fmt"

	"github.com/hashicorp/memberlist"
)

// newMemberlistConfig builds memberlist's configuration on top of the chosen profile's
// defaults (Lifeguard included), always over the caller's transport.
func newMemberlistConfig(c *Config, events memberlist.EventDelegate) *memberlist.Config {
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
	mc.Events = events
	_, mc.Logger = loggers(c.Name, c.LogOutput)
	mc.LogOutput = nil
	return mc
}

// memberEvents turns memberlist's notifications into Observer calls.
type memberEvents struct {
	self string
	obs  Observer
}

var _ memberlist.EventDelegate = (*memberEvents)(nil)

func (e *memberEvents) NotifyJoin(n *memberlist.Node) {
	e.obs.MemberStatus(e.self, n.Name, StatusAlive, n.Address())
}

func (e *memberEvents) NotifyLeave(n *memberlist.Node) {
	status := StatusFailed
	if n.State == memberlist.StateLeft {
		status = StatusLeft
	}
	e.obs.MemberStatus(e.self, n.Name, status, n.Address())
}

// NotifyUpdate fires for metadata changes; tags arrive with the Serf layer.
func (e *memberEvents) NotifyUpdate(*memberlist.Node) {}

// createMemberlist starts gossip for the agent.
func createMemberlist(c *Config, obs Observer) (*memberlist.Memberlist, error) {
	ml, err := memberlist.Create(newMemberlistConfig(c, &memberEvents{self: c.Name, obs: obs}))
	if err != nil {
		return nil, fmt.Errorf("node %s: memberlist: %w", c.Name, err)
	}
	return ml, nil
}
