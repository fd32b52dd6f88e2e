package reports

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// WriteHTML writes porcupine's interactive view of one read mode's history (every write
// plus that mode's reads, one lane per client, partitioned by key), annotated with leader
// elections, nodes going down and up and fault windows, so an anomaly can be read against
// what the cluster was doing. It searches with the check timeout the verdicts had
// (sum.CheckTimeoutSeconds), so the page and the verdict agree.
func WriteHTML(w io.Writer, run *checker.Run, sum Summary, mode string) error {
	timeout := time.Duration(sum.CheckTimeoutSeconds * float64(time.Second))
	m, info := checker.LinearizationView(run, mode, timeout)
	info.AddAnnotations(annotations(run))
	var page bytes.Buffer
	if err := porcupine.Visualize(m, info, &page); err != nil {
		return fmt.Errorf("reports: html view of %s: %w", mode, err)
	}
	out := page.Bytes()
	banner := fmt.Sprintf(`<div style="font:14px sans-serif;padding:6px 10px">%s, seed %d: %s reads are <b>%s</b> (each key checked with up to %s)</div>`,
		html.EscapeString(sum.Scenario), sum.Seed, html.EscapeString(mode), html.EscapeString(sum.Verdicts[mode]), timeout)
	if len(sum.Bugs) > 0 {
		// Nobody may mistake a run of a broken node for consim's: say so above everything.
		banner = fmt.Sprintf(`<div style="background:#c0392b;color:#fff;font:bold 16px sans-serif;padding:10px">`+
			`PLANTED BUGS: %s. The nodes of this run are broken on purpose; this history judges the planted bug, not consim's node.</div>`,
			html.EscapeString(strings.Join(sum.Bugs, ", "))) + banner
	}
	if i := bytes.Index(out, []byte("<body>")); i >= 0 {
		i += len("<body>")
		out = append(out[:i:i], append([]byte(banner), out[i:]...)...)
	}
	_, err := w.Write(out)
	return err
}

// annotations marks leader elections, node crashes and restarts, and fault windows (from
// start to end, with the firing in scenario syntax) on the timeline.
func annotations(run *checker.Run) []porcupine.Annotation {
	var out []porcupine.Annotation
	last := event.Time(0)
	if n := len(run.Events); n > 0 {
		last = run.Events[n-1].T
	}
	for _, f := range run.Faults {
		if f.Kind == "heal" {
			continue
		}
		end := last // still in progress when the stream ended
		if f.Ended {
			end = f.End
		}
		out = append(out, porcupine.Annotation{Tag: "faults", Start: int64(f.Start), End: int64(end),
			Description: fmt.Sprintf("%s: %s", f.Name, f.Spec), Details: strings.Join(f.Targets, ", "),
			BackgroundColor: "#fdebd0"})
	}
	for _, ev := range run.Events {
		switch {
		case ev.Type == event.RaftState && ev.State == event.RaftLeader:
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
	return out
}
