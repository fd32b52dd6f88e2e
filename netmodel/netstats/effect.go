package netstats

// Effect is what one fault did while it was installed. The network counts the traffic
// fields; the world adds what it did to nodes and disks. A fault whose Effect is zero
// (Any reports false) had no effect: it is reported, and a scenario may require faults to
// be effective.
type Effect struct {
	// Traffic, counted by the network against the fault that caused it.
	PacketsDropped    uint64 `json:"packets_dropped,omitempty"`    // blocked, lost, on a down NIC, or past a full pause queue
	PacketsDuplicated uint64 `json:"packets_duplicated,omitempty"` // extra copies put on the wire
	PacketsDelayed    uint64 `json:"packets_delayed,omitempty"`    // delivered with the fault's latency
	PacketsReordered  uint64 `json:"packets_reordered,omitempty"`  // held back by an extra delay
	PacketsHeld       uint64 `json:"packets_held,omitempty"`       // held by a pause, delivered on resume
	SegmentsHeld      uint64 `json:"segments_held,omitempty"`      // stream segments (data, FIN, RST) held
	SegmentsDelayed   uint64 `json:"segments_delayed,omitempty"`   // stream segments with the fault's latency
	DialsStalled      uint64 `json:"dials_stalled,omitempty"`      // handshakes held
	StreamsReset      uint64 `json:"streams_reset,omitempty"`      // stream ends reset by a crash
	// Nodes and disks, counted by the world.
	NodesAffected uint64 `json:"nodes_affected,omitempty"` // crashed, restarted, paused, left
	DiskWrites    uint64 `json:"disk_writes,omitempty"`    // fsyncs under the fault's latency or lies
}

// Any reports whether the fault did anything at all.
func (e Effect) Any() bool { return e != Effect{} }

// Add adds o's counters to e's.
func (e *Effect) Add(o Effect) {
	e.PacketsDropped += o.PacketsDropped
	e.PacketsDuplicated += o.PacketsDuplicated
	e.PacketsDelayed += o.PacketsDelayed
	e.PacketsReordered += o.PacketsReordered
	e.PacketsHeld += o.PacketsHeld
	e.SegmentsHeld += o.SegmentsHeld
	e.SegmentsDelayed += o.SegmentsDelayed
	e.DialsStalled += o.DialsStalled
	e.StreamsReset += o.StreamsReset
	e.NodesAffected += o.NodesAffected
	e.DiskWrites += o.DiskWrites
}
