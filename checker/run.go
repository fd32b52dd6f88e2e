package checker

import (
	"slices"
	"strings"

	"github.com/consim/consim/event"
)

// Run is a run's event stream, decoded once, with what several checks need paired once:
// the workload's operations and the fault firings. Every check reads a Run, so that one
// rule pairs each thing for all of them.
type Run struct {
	Events []event.Event
	// Header is the stream's run_start (zero when the stream lacks one).
	Header event.Event
	// Ops are the workload's operations, paired from op_call and op_return (History);
	// OpsError says where the pairing broke, a harness bug (the ops are then those paired
	// up to it).
	Ops      []Op
	OpsError error
	// Faults are the fault firings, in start order (pairFaults).
	Faults []FaultWindow
}

// NewRun decodes what the checks share from a stream's events.
func NewRun(events []event.Event) *Run {
	r := &Run{Events: events}
	for _, ev := range events {
		if ev.Type == event.RunStart {
			r.Header = ev
			break
		}
	}
	r.Ops, r.OpsError = History(events)
	r.Faults = pairFaults(events)
	return r
}

// FaultWindow is one firing of a fault, from its fault_start to its fault_end.
type FaultWindow struct {
	Name, Kind string
	Targets    []string
	// Nodes are the nodes the targets name (partition groups split at "+").
	Nodes []string
	Spec  string
	Start event.Time
	// End is when it ended; Ended is false while it was still going when the stream
	// ended.
	End   event.Time
	Ended bool
	// Applied is when its effect was complete (fault_applied: crash, leave, restart), or
	// nil when that was its start.
	Applied *event.Time
	// Reason says why it could not act (no leader to isolate); EndReason why it ended
	// early (healed by heal-2, liveness).
	Reason, EndReason string
	// Effect is what it did (from its fault_end).
	Effect event.Effect
}

// Acted says whether the firing could act: it is not a heal (which only ends others) and
// it did not fail to find its targets.
func (f *FaultWindow) Acted() bool { return f.Kind != "heal" && f.Reason == "" }

// Involves says whether the firing acted on node.
func (f *FaultWindow) Involves(node string) bool { return slices.Contains(f.Nodes, node) }

// pairFaults pairs fault_start, fault_applied and fault_end events by name: the firings of
// one name end in the order they started (a repeating fault's firings each last its for).
func pairFaults(events []event.Event) []FaultWindow {
	var out []FaultWindow
	open := map[string][]int{}    // name -> indexes in out of its open firings, oldest first
	applied := map[string][]int{} // name -> firings waiting for their fault_applied
	for _, ev := range events {
		switch ev.Type {
		case event.FaultStart:
			f := FaultWindow{Name: ev.Name, Kind: ev.Kind, Targets: ev.Targets, Spec: ev.Spec, Start: ev.T, Reason: ev.Reason}
			for _, t := range ev.Targets {
				f.Nodes = append(f.Nodes, strings.Split(t, "+")...)
			}
			open[ev.Name] = append(open[ev.Name], len(out))
			applied[ev.Name] = append(applied[ev.Name], len(out))
			out = append(out, f)
		case event.FaultApplied:
			if q := applied[ev.Name]; len(q) > 0 {
				t := ev.T
				out[q[0]].Applied = &t
				applied[ev.Name] = q[1:]
			}
		case event.FaultEnd:
			if q := open[ev.Name]; len(q) > 0 {
				f := &out[q[0]]
				f.End, f.Ended, f.EndReason = ev.T, true, ev.Reason
				if ev.Effect != nil {
					f.Effect = *ev.Effect
				}
				open[ev.Name] = q[1:]
			}
		}
	}
	return out
}
