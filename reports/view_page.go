package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// viewPage is everything the linearizability view's own script (view/view.js) draws around
// porcupine's lanes, embedded in the page as JSON. Times are virtual nanoseconds. Every
// string here may come from a scenario or a node: the script only ever sets them as text.
type viewPage struct {
	Mode string `json:"mode"`
	// EndNS is the last event's time: the end of the time axis.
	EndNS int64 `json:"end_ns"`
	// Clients names porcupine's lanes, Ops says where it draws each operation (by op id):
	// the page finds #op=OPID with it.
	Clients []string                  `json:"clients"`
	Ops     map[string]checker.ViewOp `json:"ops"`
	// Windows are the fault windows (bands across the lanes), Marks the moments of the
	// cluster (leaders elected, nodes down and up). Each is also one porcupine annotation,
	// in this order (windows, then marks), so that porcupine's layout gives each an exact
	// place on its warped time axis; the script reads the places and hides porcupine's rows.
	Windows []viewWindow `json:"windows"`
	Marks   []viewMark   `json:"marks"`
	// Anomalies are this mode's explained anomalies, in call order.
	Anomalies []viewAnomaly `json:"anomalies"`
}

type viewWindow struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Spec    string `json:"spec"`
	Targets string `json:"targets"`
	StartNS int64  `json:"start_ns"`
	EndNS   int64  `json:"end_ns"`
	// Ongoing: still in progress when the stream ended (EndNS is then the end of the run).
	Ongoing bool `json:"ongoing,omitempty"`
}

type viewMark struct {
	T    int64  `json:"t_ns"`
	Kind string `json:"kind"` // leader, down, up
	Text string `json:"text"`
}

type viewAnomaly struct {
	OpID        string `json:"op_id"`
	CallNS      int64  `json:"call_ns"`
	Explanation string `json:"explanation"`
}

// newViewPage gathers the view's data for read mode mode.
func newViewPage(run *checker.Run, sum Summary, mode string, v checker.View) viewPage {
	p := viewPage{Mode: mode, Clients: v.Clients, Ops: v.Ops, Windows: []viewWindow{}, Marks: []viewMark{}, Anomalies: []viewAnomaly{}}
	if n := len(run.Events); n > 0 {
		p.EndNS = int64(run.Events[n-1].T)
	}
	if p.Clients == nil {
		p.Clients = []string{}
	}
	for _, f := range run.Faults {
		if f.Kind == "heal" {
			continue
		}
		w := viewWindow{Name: f.Name, Kind: f.Kind, Spec: f.Spec, Targets: strings.Join(f.Targets, ", "), StartNS: int64(f.Start), EndNS: p.EndNS, Ongoing: !f.Ended}
		if f.Ended {
			w.EndNS = int64(f.End)
		}
		p.Windows = append(p.Windows, w)
	}
	for _, ev := range run.Events {
		switch {
		case ev.Type == event.RaftState && ev.State == event.RaftLeader:
			p.Marks = append(p.Marks, viewMark{T: int64(ev.T), Kind: "leader", Text: fmt.Sprintf("%s leads term %d", ev.Node, ev.Term)})
		case ev.Type == event.NodeDown:
			p.Marks = append(p.Marks, viewMark{T: int64(ev.T), Kind: "down", Text: fmt.Sprintf("%s down (%s)", ev.Node, ev.Reason)})
		case ev.Type == event.NodeUp && ev.T > 0:
			p.Marks = append(p.Marks, viewMark{T: int64(ev.T), Kind: "up", Text: ev.Node + " up"})
		}
	}
	if a := sum.Anomalies[mode]; a != nil {
		for _, x := range a.Examples {
			p.Anomalies = append(p.Anomalies, viewAnomaly{OpID: x.OpID, CallNS: int64(time.Duration(x.Call * float64(time.Second))), Explanation: x.Explanation})
		}
	}
	return p
}

// anchors are the page's windows and marks as porcupine annotations, in the page's order:
// with no text, so that they only fix places on porcupine's time axis and do not widen it
// (porcupine makes every box as wide as its text). The script draws them itself.
func (p viewPage) anchors() []porcupine.Annotation {
	out := make([]porcupine.Annotation, 0, len(p.Windows)+len(p.Marks))
	for _, w := range p.Windows {
		out = append(out, porcupine.Annotation{Tag: "context", Start: w.StartNS, End: w.EndNS})
	}
	for _, m := range p.Marks {
		out = append(out, porcupine.Annotation{Tag: "context", Start: m.T, End: m.T})
	}
	return out
}
