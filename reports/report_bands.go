package reports

import (
	"strings"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports/plot"
)

// faultBands are the fault windows of a run as bands of the report's plots, in start
// order: every firing that is not a heal, to its end or, still going when the stream
// ended, to the end. Each fault name keeps one colour on the whole page.
func faultBands(run *checker.Run, end event.Time) plot.Bands {
	colour := map[string]int{}
	var out plot.Bands
	for _, f := range run.Faults {
		if f.Kind == "heal" {
			continue
		}
		i, ok := colour[f.Name]
		if !ok {
			i = len(colour)
			colour[f.Name] = i
		}
		to := end
		if f.Ended {
			to = f.End
		}
		label := f.Name + ": " + f.Kind
		if len(f.Targets) > 0 {
			label += " " + strings.Join(f.Targets, " | ")
		}
		if f.Reason != "" {
			label += " (did nothing: " + f.Reason + ")"
		}
		out = append(out, plot.Band{From: f.Start.Seconds(), To: to.Seconds(), Label: label, Color: plot.BandColor(i)})
	}
	return out
}

// runEnd is the time of the stream's last event.
func runEnd(run *checker.Run) event.Time {
	if n := len(run.Events); n > 0 {
		return run.Events[n-1].T
	}
	return 0
}
