package netmodel

// Stats are a virtual network's counters since it was made. Packet counters add up once
// nothing is in flight (packets held by a pause count as in flight):
//
//	PacketsSent + PacketsDuplicated == PacketsDelivered + PacketsDropped()
//
// PacketsDuplicated is zero unless an impairment duplicates packets, so without one this is
// PacketsSent == PacketsDelivered + PacketsDropped().
//
// The fault counters at the end are zero unless faults are installed, and are omitted from
// JSON when zero, so the output of a run without faults is unchanged by their addition.
type Stats struct {
	PacketsSent              uint64 `json:"packets_sent"`
	PacketsDelivered         uint64 `json:"packets_delivered"`
	PacketsDroppedLoss       uint64 `json:"packets_dropped_loss"`
	PacketsDroppedBlocked    uint64 `json:"packets_dropped_blocked"`
	PacketsDroppedQueue      uint64 `json:"packets_dropped_queue"`
	PacketsDroppedInbox      uint64 `json:"packets_dropped_inbox"`
	PacketsDroppedNoListener uint64 `json:"packets_dropped_no_listener"`
	PacketsDroppedDown       uint64 `json:"packets_dropped_down"`
	// PacketsDroppedNoRoute counts packets to an IP no host owns.
	PacketsDroppedNoRoute uint64 `json:"packets_dropped_no_route"`

	// StreamsOpened counts connections accepted into a listener's backlog.
	StreamsOpened uint64 `json:"streams_opened"`
	// StreamsReset counts stream ends that failed because of a reset: the
	// local side of a crash or abort, and the peer side when the RST
	// arrives. A crash of one end of an open stream counts 2.
	StreamsReset uint64 `json:"streams_reset"`
	// StreamBytes counts payload bytes accepted by Write.
	StreamBytes uint64 `json:"stream_bytes"`
	// StreamSegmentsHeld counts stream segments (data, FIN, RST) held by a
	// fault (block, pause, NIC down); the same total is split over the
	// faults' SegmentsHeld.
	StreamSegmentsHeld uint64 `json:"stream_segments_held"`
	// DialsStalled counts handshake steps (SYN or SYN-ACK) held by a fault.
	DialsStalled uint64 `json:"dials_stalled"`
	// DialsRefused counts SYNs answered with a reset (no listener, listener
	// closed, or backlog full).
	DialsRefused uint64 `json:"dials_refused"`
	// DialsTimedOut counts dials abandoned by their timeout or context.
	DialsTimedOut uint64 `json:"dials_timed_out"`

	// Fault counters. Each traffic fault counter is the sum of the matching
	// Traffic field over all faults, because exactly one fault (the
	// oldest that matches) is charged for each packet or segment.

	// PacketsDroppedNIC counts packets sent over a NIC that a fault took
	// down, at either end.
	PacketsDroppedNIC uint64 `json:"packets_dropped_nic,omitempty"`
	// PacketsDroppedImpaired counts packets dropped by an impairment's
	// extra loss (the link's own loss is PacketsDroppedLoss).
	PacketsDroppedImpaired uint64 `json:"packets_dropped_impaired,omitempty"`
	// PacketsDroppedPauseQueue counts packets a pause could not hold
	// because its queue was full.
	PacketsDroppedPauseQueue uint64 `json:"packets_dropped_pause_queue,omitempty"`
	// PacketsDuplicated counts extra copies an impairment put on the wire.
	// Each copy is then delivered or dropped like any packet.
	PacketsDuplicated uint64 `json:"packets_duplicated,omitempty"`
	// PacketsHeld counts packets taken by a pause (a packet re-held by
	// another pause when the first is lifted counts again).
	PacketsHeld uint64 `json:"packets_held,omitempty"`
	// PacketsDelayed counts packet copies sent with an impairment's
	// latency instead of the link's.
	PacketsDelayed uint64 `json:"packets_delayed,omitempty"`
	// PacketsReordered counts packets an impairment held back by one
	// extra latency sample, so later packets can overtake them.
	PacketsReordered uint64 `json:"packets_reordered,omitempty"`
	// StreamSegmentsDelayed counts stream segments sent with an
	// impairment's latency instead of the link's.
	StreamSegmentsDelayed uint64 `json:"stream_segments_delayed,omitempty"`
}

// PacketsDropped is the sum of all packet drop counters.
func (s Stats) PacketsDropped() uint64 {
	return s.PacketsDroppedLoss + s.PacketsDroppedBlocked + s.PacketsDroppedQueue +
		s.PacketsDroppedInbox + s.PacketsDroppedNoListener + s.PacketsDroppedDown +
		s.PacketsDroppedNoRoute + s.PacketsDroppedNIC + s.PacketsDroppedImpaired +
		s.PacketsDroppedPauseQueue
}

// Stats returns a snapshot of the network-wide counters.
func (n *Network) Stats() Stats {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.stats
}
