package netmodel

import "github.com/consim/consim/netmodel/netstats"

// Stats are network-wide counters since New. Packet counters add up once nothing is in
// flight (packets held by a pause are in flight):
// PacketsSent + PacketsDuplicated == PacketsDelivered + PacketsDropped().
type Stats = netstats.Counters

// Stats returns a snapshot of the network-wide counters.
func (n *Network) Stats() Stats {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.stats
}
