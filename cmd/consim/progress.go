package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/consim/consim/event"
)

// progress shows how far a run has got, on stderr: a bar on a terminal, and elsewhere (a
// pipe, a CI log) a line every logEvery of wall time, so a long run is never silent.
type progress struct {
	bar *progressbar.ProgressBar

	log   io.Writer // without a terminal
	total time.Duration
	start time.Time // wall time
	next  time.Time // when the next line is due
}

// logEvery is how often a run that does not write to a terminal says how far it got.
const logEvery = 10 * time.Second

func newProgress(stderr io.Writer, total time.Duration) *progress {
	f, ok := stderr.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		now := time.Now()
		return &progress{log: stderr, total: total, start: now, next: now.Add(logEvery)}
	}
	bar := progressbar.NewOptions64(total.Milliseconds(),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("virtual time"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetItsString("ms"),
	)
	return &progress{bar: bar}
}

// update moves the bar to the event's virtual time, or, without a terminal, prints a line
// when one is due.
func (p *progress) update(ev event.Event) {
	switch {
	case p.bar != nil:
		p.bar.Set64(ev.T.D().Milliseconds())
	case p.log != nil:
		if now := time.Now(); !now.Before(p.next) {
			p.next = now.Add(logEvery)
			wall := now.Sub(p.start).Seconds()
			if t := ev.T.D(); t <= p.total {
				fmt.Fprintf(p.log, "consim: %.1f s of %.1f s virtual (%.0f%%), %.0f s wall\n", t.Seconds(), p.total.Seconds(), 100*t.Seconds()/p.total.Seconds(), wall)
			} else {
				fmt.Fprintf(p.log, "consim: %.1f s virtual, in the liveness phase, %.0f s wall\n", t.Seconds(), wall)
			}
		}
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
