package checker

import (
	"bytes"
	"fmt"
	htmlpkg "html"
	"io"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/sim/event"
)

// Visualize writes porcupine's interactive HTML view of one read mode's history (every
// write plus that mode's reads, one lane per client, partitioned by key), annotated with
// leader elections and nodes going down and up, so an anomaly can be read against what
// the cluster was doing.
func Visualize(events []event.Event, mode string, timeout time.Duration, w io.Writer) error {
	ops, err := History(events)
	if err != nil {
		return err
	}
	hist, _, _ := kvHistory(ops, mode)
	hist = prepareSearch(narrow(reduce(hist)), false) // the verdict's search; values are shown as written
	// Nothing happens after the run ends, so an open-ended return may end there: the
	// verdict is the same, and the timeline stays drawable.
	end := int64(0)
	if n := len(events); n > 0 {
		end = int64(events[n-1].T) + 1
	}
	for i := range hist {
		if hist[i].Return == openEnded {
			hist[i].Return = end
		}
	}
	m := KVModel()
	_, info := porcupine.CheckOperationsVerbose(m, hist, timeout)
	info.AddAnnotations(annotations(events))
	var page bytes.Buffer
	if err := porcupine.Visualize(m, info, &page); err != nil {
		return fmt.Errorf("checker: visualize %s: %w", mode, err)
	}
	html := page.Bytes()
	if bugs := plantedBugs(events); len(bugs) > 0 {
		// Nobody may mistake a run of a broken node for consim's: say so above everything.
		banner := fmt.Sprintf(`<div style="background:#c0392b;color:#fff;font:bold 16px sans-serif;padding:10px">`+
			`PLANTED BUGS: %s. The nodes of this run are broken on purpose; this history judges the planted bug, not consim's node.</div>`,
			htmlpkg.EscapeString(strings.Join(bugs, ", ")))
		if i := bytes.Index(html, []byte("<body>")); i >= 0 {
			i += len("<body>")
			html = append(html[:i:i], append([]byte(banner), html[i:]...)...)
		}
	}
	_, err = w.Write(html)
	return err
}

// plantedBugs are the bugs run_start names.
func plantedBugs(events []event.Event) []string {
	for _, ev := range events {
		if ev.Type == event.RunStart {
			return ev.Bugs
		}
	}
	return nil
}

// annotations marks leader elections, node crashes and restarts, and fault windows (from
// fault_start to fault_end, with the firing in scenario syntax) on the timeline.
func annotations(events []event.Event) []porcupine.Annotation {
	var out []porcupine.Annotation
	open := map[string]int{} // fault name -> its annotation in out, until it ends
	for _, ev := range events {
		switch {
		case ev.Type == event.FaultStart && ev.Kind != "heal":
			open[ev.Name] = len(out)
			out = append(out, porcupine.Annotation{Tag: "faults", Start: int64(ev.T), End: int64(ev.T),
				Description: fmt.Sprintf("%s: %s", ev.Name, ev.Spec), Details: strings.Join(ev.Targets, ", "),
				BackgroundColor: "#fdebd0"})
		case ev.Type == event.FaultEnd:
			if i, ok := open[ev.Name]; ok {
				out[i].End = int64(ev.T)
				delete(open, ev.Name)
			}
		case ev.Type == event.RaftState && ev.State == "leader":
			out = append(out, porcupine.Annotation{Tag: "raft", Start: int64(ev.T),
				Description: fmt.Sprintf("%s leads term %d", ev.Node, ev.Term), BackgroundColor: "#d6eaf8"})
		case ev.Type == event.NodeDown:
			out = append(out, porcupine.Annotation{Tag: "nodes", Start: int64(ev.T),
				Description: fmt.Sprintf("%s down (%s)", ev.Node, ev.Reason), BackgroundColor: "#fadbd8"})
		case ev.Type == event.NodeUp && ev.T > 0:
			out = append(out, porcupine.Annotation{Tag: "nodes", Start: int64(ev.T),
				Description: ev.Node + " up", BackgroundColor: "#d5f5e3"})
		}
	}
	if len(events) > 0 {
		for _, i := range open { // still in progress when the stream ended
			out[i].End = int64(events[len(events)-1].T)
		}
	}
	return out
}
