package node

import (
	"net"
	"strconv"
)

// TagPort is the tag in which a server advertises its RPC port, as Consul's "port" tag.
const TagPort = "port"

// serverRPCAddrs lists the RPC addresses ("ip:port") of the servers this agent sees
// alive, as Consul's client agents learn them: from gossip tags (role=server, port).
func (a *Agent) serverRPCAddrs() []string {
	var out []string
	for _, m := range a.Servers() {
		port := a.cfg.RPCPort
		if p, err := strconv.Atoi(m.Tags[TagPort]); err == nil {
			port = p
		}
		out = append(out, net.JoinHostPort(m.Addr, strconv.Itoa(port)))
	}
	return out
}
