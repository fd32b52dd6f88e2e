package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// Fault is one firing of a fault, as summary.json's `faults` lists them.
type Fault struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Targets []string `json:"targets"`
	// Spec is the firing in scenario syntax, its targets resolved.
	Spec         string   `json:"spec"`
	StartSeconds float64  `json:"start_seconds"`
	EndSeconds   *float64 `json:"end_seconds"` // null: still in progress when the run ended
	// Effect counts what the firing did; Effective is false when it did nothing at all.
	Effect    event.Effect `json:"effect"`
	Effective bool         `json:"effective"`
	// Reason says why a firing did nothing (no leader to isolate) or ended early
	// (healed by heal-2, liveness).
	Reason string `json:"reason,omitempty"`
}

// Liveness is the outcome of the liveness phase (summary.json's `liveness`).
type Liveness struct {
	Converged         bool     `json:"converged"`
	SecondsToConverge *float64 `json:"seconds_to_converge"`
	TimeoutSeconds    float64  `json:"timeout_seconds"`
}

// faultSummary lists the fault firings of a run in start order, and the liveness phase's
// outcome (nil when the run had none).
func faultSummary(run *checker.Run) ([]Fault, *Liveness) {
	list := make([]Fault, 0, len(run.Faults))
	for _, w := range run.Faults {
		f := Fault{Name: w.Name, Kind: w.Kind, Targets: w.Targets, Spec: w.Spec,
			StartSeconds: round3(w.Start.Seconds()), Reason: w.Reason, Effect: w.Effect, Effective: w.Effect.Any()}
		if f.Targets == nil {
			f.Targets = []string{}
		}
		if w.Ended {
			end := round3(w.End.Seconds())
			f.EndSeconds = &end
		}
		if f.Reason == "" {
			f.Reason = w.EndReason
		}
		list = append(list, f)
	}
	var live *Liveness
	for _, ev := range run.Events {
		switch ev.Type {
		case event.LivenessStart:
			live = &Liveness{}
			live.TimeoutSeconds = ev.Timeout.D().Seconds()
		case event.LivenessEnd:
			if live == nil {
				live = &Liveness{}
			}
			if ev.Converged != nil {
				live.Converged = *ev.Converged
			}
			if ev.Seconds != nil {
				s := round3(*ev.Seconds)
				live.SecondsToConverge = &s
			}
		}
	}
	return list, live
}

// writeFaults prints one line per fault firing and the liveness phase's outcome.
func writeFaults(w io.Writer, s Summary) {
	for _, f := range s.Faults {
		if f.Kind == "heal" {
			fmt.Fprintf(w, "fault      %s at %.3f s healed %s\n", f.Name, f.StartSeconds, orNone(f.Targets))
			continue
		}
		span := "to the end"
		if f.EndSeconds != nil {
			span = fmt.Sprintf("to %.3f s", *f.EndSeconds)
		}
		fmt.Fprintf(w, "fault      %s %s %s, %.3f s %s: %s\n", f.Name, f.Kind, orNone(f.Targets), f.StartSeconds, span, faultEffect(f))
	}
	if l := s.Liveness; l != nil {
		if l.Converged {
			fmt.Fprintf(w, "liveness   converged %.3f s after healing everything\n", *l.SecondsToConverge)
		} else {
			fmt.Fprintf(w, "liveness   NOT converged within %.0f s of healing everything\n", l.TimeoutSeconds)
		}
	}
}

// faultEffect says what a firing did, or that it did nothing and why.
func faultEffect(f Fault) string {
	if f.Kind == "heal" {
		return "healed " + orNone(f.Targets)
	}
	if !f.Effective {
		if f.Reason != "" {
			return "NO EFFECT: " + f.Reason
		}
		return "NO EFFECT"
	}
	return describeEffect(f.Effect)
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "(none)"
	}
	return strings.Join(xs, ", ")
}

// describeEffect names the non-zero counters of e, in a fixed order.
func describeEffect(e event.Effect) string {
	var parts []string
	for _, c := range []struct {
		n    uint64
		what string
	}{
		{e.PacketsDropped, "packets dropped"}, {e.PacketsDuplicated, "packets duplicated"},
		{e.PacketsDelayed, "packets delayed"}, {e.PacketsReordered, "packets reordered"},
		{e.PacketsHeld, "packets held"}, {e.SegmentsHeld, "stream segments held"},
		{e.SegmentsDelayed, "stream segments delayed"}, {e.DialsStalled, "dials stalled"},
		{e.StreamsReset, "streams reset"}, {e.NodesAffected, "node(s) affected"},
		{e.DiskWrites, "disk write(s)"},
	} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return "no effect"
	}
	return strings.Join(parts, ", ")
}
