// Package netstats holds the virtual network's counters. It is a leaf package so that the
// event stream (sim/event), which must stay light, carries the very type netmodel counts
// with instead of a copy that could drift.
package netstats

// Counters are a virtual network's counters since it was made. Packet counters add up once
// nothing is in flight: PacketsSent == PacketsDelivered + PacketsDropped().
type Counters struct {
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
	// block rule; the same total is split over the rules' SegmentsHeld.
	StreamSegmentsHeld uint64 `json:"stream_segments_held"`
	// DialsStalled counts handshake steps (SYN or SYN-ACK) held by a rule.
	DialsStalled uint64 `json:"dials_stalled"`
	// DialsRefused counts SYNs answered with a reset (no listener, listener
	// closed, or backlog full).
	DialsRefused uint64 `json:"dials_refused"`
	// DialsTimedOut counts dials abandoned by their timeout or context.
	DialsTimedOut uint64 `json:"dials_timed_out"`
}

// PacketsDropped is the sum of all packet drop counters.
func (s Counters) PacketsDropped() uint64 {
	return s.PacketsDroppedLoss + s.PacketsDroppedBlocked + s.PacketsDroppedQueue +
		s.PacketsDroppedInbox + s.PacketsDroppedNoListener + s.PacketsDroppedDown +
		s.PacketsDroppedNoRoute
}
