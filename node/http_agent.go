package node

import (
	"net/http"
	"strings"

	"github.com/consim/consim/node/serf"
)

// agentMember is Consul's AgentMember JSON, as /v1/agent/members answers it. Status is
// Serf's number (1 alive, 2 leaving, 3 left, 4 failed); the protocol fields are the
// versions Consul's agents of this era advertise.
type agentMember struct {
	Name        string
	Addr        string
	Port        uint16
	Tags        map[string]string
	Status      int
	ProtocolMin uint8
	ProtocolMax uint8
	ProtocolCur uint8
	DelegateMin uint8
	DelegateMax uint8
	DelegateCur uint8
}

func toAgentMember(m serf.Member) agentMember {
	tags := m.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return agentMember{
		Name: m.Name, Addr: m.Addr, Port: m.Port, Tags: tags, Status: int(m.Status),
		ProtocolMin: 1, ProtocolMax: 5, ProtocolCur: 2, DelegateMin: 2, DelegateMax: 5, DelegateCur: 4,
	}
}

// agentSelf is the part of Consul's /v1/agent/self that consim has: the agent's
// configuration, itself as a member, and raft's statistics on a server.
type agentSelf struct {
	Config struct {
		Datacenter string
		NodeName   string
		Server     bool
		Version    string
	}
	Member agentMember
	Stats  map[string]map[string]string
}

func (a *Agent) agentSelf(http.ResponseWriter, *http.Request) (any, error) {
	var s agentSelf
	s.Config.Datacenter, s.Config.NodeName, s.Config.Server, s.Config.Version = "dc1", a.cfg.Name, a.srv != nil, "consim"
	s.Member = toAgentMember(a.LocalMember())
	s.Stats = map[string]map[string]string{}
	if a.srv != nil {
		s.Stats["raft"] = a.srv.raft.Stats()
	}
	return s, nil
}

func (a *Agent) agentMembers(http.ResponseWriter, *http.Request) (any, error) {
	out := []agentMember{}
	for _, m := range a.Members() {
		out = append(out, toAgentMember(m))
	}
	return out, nil
}

// agentJoin serves PUT /v1/agent/join/<address>.
func (a *Agent) agentJoin(_ http.ResponseWriter, r *http.Request) (any, error) {
	addr := strings.TrimPrefix(r.URL.Path, "/v1/agent/join/")
	if _, err := a.Join(addr); err != nil {
		return nil, err
	}
	return nil, nil
}

// agentLeave serves PUT /v1/agent/leave: a graceful leave of the gossip pool, then the
// agent shuts down, as Consul's does (after answering).
func (a *Agent) agentLeave(http.ResponseWriter, *http.Request) (any, error) {
	if err := a.Leave(); err != nil {
		return nil, err
	}
	go a.Shutdown()
	return nil, nil
}
