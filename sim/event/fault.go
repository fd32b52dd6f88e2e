package event

import "github.com/consim/consim/netmodel/netstats"

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

// Effect is what one fault firing did (fault_end).
type Effect = netstats.Effect

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
