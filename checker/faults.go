package checker

import (
	"slices"
	"strings"

	"github.com/consim/consim/sim/event"
)

// faultWindow is one firing of a fault, from its fault_start to its fault_end.
type faultWindow struct {
	name, kind string
	targets    []string
	nodes      []string // every node the targets name (partition groups split at "+")
	start, end event.Time
	ended      bool // false: still going when the stream ends
}

// involves says whether the firing acted on node.
func (f *faultWindow) involves(node string) bool { return slices.Contains(f.nodes, node) }

// faultWindows pairs fault_start and fault_end events by name (a repeating fault's
// firings in order). Firings that could not act (fault_start with a reason) and heals
// (which only end other firings) are left out: neither disturbed anything.
func faultWindows(events []event.Event) []faultWindow {
	var out []faultWindow
	open := map[string][]int{} // name -> indexes in out of its open firings, oldest first
	skipped := map[string]int{}
	for _, ev := range events {
		switch ev.Type {
		case event.FaultStart:
			if ev.Reason != "" || ev.Kind == "heal" {
				skipped[ev.Name]++
				continue
			}
			f := faultWindow{name: ev.Name, kind: ev.Kind, targets: ev.Targets, start: ev.T}
			for _, t := range ev.Targets {
				f.nodes = append(f.nodes, strings.Split(t, "+")...)
			}
			open[ev.Name] = append(open[ev.Name], len(out))
			out = append(out, f)
		case event.FaultEnd:
			if q := open[ev.Name]; len(q) > 0 {
				out[q[0]].end, out[q[0]].ended = ev.T, true
				open[ev.Name] = q[1:]
			} else if skipped[ev.Name] > 0 {
				skipped[ev.Name]--
			}
		}
	}
	return out
}

// ActiveFault is a fault firing that was in progress at some moment (or had ended
// shortly before it), as reports list it.
type ActiveFault struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Targets []string `json:"targets"`
	// Start is when it fired; End when it ended (null: still going at the end of the
	// stream), in virtual seconds.
	Start float64  `json:"start"`
	End   *float64 `json:"end"`
}

func (f *faultWindow) active() ActiveFault {
	a := ActiveFault{Name: f.name, Kind: f.kind, Targets: f.targets, Start: f.start.Seconds()}
	if a.Targets == nil {
		a.Targets = []string{}
	}
	if f.ended {
		e := f.end.Seconds()
		a.End = &e
	}
	return a
}
