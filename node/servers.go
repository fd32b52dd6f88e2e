package node

// serverRPCAddrs lists the RPC addresses ("ip:port") of the servers this agent sees
// alive, as Consul's client agents learn them: from gossip tags.
func (a *Agent) serverRPCAddrs() []string {
	return nil // TODO(integration): read role=server members from the serf layer's tags
}
