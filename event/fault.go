package event

// Fault and liveness event types. docs/events.md describes their fields.
const (
	// FaultStart says a fault fired: Name, Kind, the Targets it resolved to, and Spec,
	// the firing in scenario syntax.
	FaultStart Type = "fault_start"
	// FaultEnd says a firing ended (its duration passed, it was healed, or the liveness
	// phase healed it), with its Effect. Reason says why it ended early.
	FaultEnd Type = "fault_end"
	// FaultApplied says the effect of a crash, leave or restart firing is complete (the
	// node has stopped, or is up again): their fault_start is when they began, which is
	// when they were due; stopping an agent or making it leave takes virtual time. Other
	// kinds take effect at their fault_start.
	FaultApplied Type = "fault_applied"
	// LivenessStart says the scenario's duration is over: every fault is healed and the
	// cluster gets Timeout to converge.
	LivenessStart Type = "liveness_start"
	// LivenessEnd says whether the cluster converged (one leader, every running member
	// seen alive by every running member) and, if so, Seconds after LivenessStart.
	LivenessEnd Type = "liveness_end"
)

// Effect is what one fault firing did (fault_end): to traffic, as the network charged it,
// and to nodes and disks, as the world counted. A firing whose Effect is zero (Any reports
// false) had no effect: it is reported, and a scenario may require faults to be effective.
type Effect struct {
	// Traffic.
	PacketsDropped    uint64 `json:"packets_dropped,omitempty"`    // blocked, lost, on a down NIC, or past a full pause queue
	PacketsDuplicated uint64 `json:"packets_duplicated,omitempty"` // extra copies put on the wire
	PacketsDelayed    uint64 `json:"packets_delayed,omitempty"`    // delivered with the fault's latency
	PacketsReordered  uint64 `json:"packets_reordered,omitempty"`  // held back by an extra delay
	PacketsHeld       uint64 `json:"packets_held,omitempty"`       // held by a pause, delivered on resume
	SegmentsHeld      uint64 `json:"segments_held,omitempty"`      // stream segments (data, FIN, RST) held
	SegmentsDelayed   uint64 `json:"segments_delayed,omitempty"`   // stream segments with the fault's latency
	DialsStalled      uint64 `json:"dials_stalled,omitempty"`      // handshakes held
	StreamsReset      uint64 `json:"streams_reset,omitempty"`      // stream ends reset by a crash
	// Nodes and disks.
	NodesAffected uint64 `json:"nodes_affected,omitempty"` // crashed, restarted, paused, left
	DiskWrites    uint64 `json:"disk_writes,omitempty"`    // fsyncs under the fault's latency or lies
}

// Any reports whether the firing did anything at all.
func (e Effect) Any() bool { return e != Effect{} }

// FaultFields are the fields fault and liveness events set, embedded in Event.
type FaultFields struct {
	// fault_start, fault_end: the kind of fault (isolate, partition, crash, ...).
	Kind string `json:"kind,omitempty"`
	// fault_start: the nodes the fault acted on, resolved when it fired; for a partition,
	// one entry per group, its nodes joined by "+" (server-1+server-2).
	Targets []string `json:"targets,omitempty"`
	// fault_start: the firing in scenario syntax, with its targets resolved.
	Spec string `json:"spec,omitempty"`
	// fault_end: what the firing did.
	Effect *Effect `json:"effect,omitempty"`
	// liveness_end: whether the cluster converged, and how long it took.
	Converged *bool    `json:"converged,omitempty"`
	Seconds   *float64 `json:"seconds,omitempty"`
}
