// Package node is consim's reference Serf/Consul-style agent: gossip (membership, tags,
// user events, queries and handlers: the Serf layer of node/serf, on hashicorp/memberlist)
// and, on servers, a replicated state machine on hashicorp/raft.
//
// It knows nothing of simulation. Everything that touches the outside world comes in
// through Config: the memberlist transport, the raft stream layer, raft's stores, where
// logs go and who observes state changes. The simulation passes virtual-network adapters;
// a real agent could pass real sockets, and the same code would run.
package node
