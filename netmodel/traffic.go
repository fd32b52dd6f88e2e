package netmodel

// Traffic is what one fault did to traffic while it was installed, counted by the network
// against the fault that caused it (the oldest that matches a packet or segment). What a
// fault did to nodes and disks is the world's to count.
type Traffic struct {
	PacketsDropped    uint64 `json:"packets_dropped,omitempty"`    // blocked, lost, on a down NIC, or past a full pause queue
	PacketsDuplicated uint64 `json:"packets_duplicated,omitempty"` // extra copies put on the wire
	PacketsDelayed    uint64 `json:"packets_delayed,omitempty"`    // delivered with the fault's latency
	PacketsReordered  uint64 `json:"packets_reordered,omitempty"`  // held back by an extra delay
	PacketsHeld       uint64 `json:"packets_held,omitempty"`       // held by a pause, delivered on resume
	SegmentsHeld      uint64 `json:"segments_held,omitempty"`      // stream segments (data, FIN, RST) held
	SegmentsDelayed   uint64 `json:"segments_delayed,omitempty"`   // stream segments with the fault's latency
	DialsStalled      uint64 `json:"dials_stalled,omitempty"`      // handshakes held
	StreamsReset      uint64 `json:"streams_reset,omitempty"`      // stream ends reset by a crash
}

// Any reports whether the fault did anything at all.
func (e Traffic) Any() bool { return e != Traffic{} }

// Add adds o's counters to e's.
func (e *Traffic) Add(o Traffic) {
	e.PacketsDropped += o.PacketsDropped
	e.PacketsDuplicated += o.PacketsDuplicated
	e.PacketsDelayed += o.PacketsDelayed
	e.PacketsReordered += o.PacketsReordered
	e.PacketsHeld += o.PacketsHeld
	e.SegmentsHeld += o.SegmentsHeld
	e.SegmentsDelayed += o.SegmentsDelayed
	e.DialsStalled += o.DialsStalled
	e.StreamsReset += o.StreamsReset
}
