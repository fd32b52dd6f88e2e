package main

import (
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/consim/consim/sim/event"
)

// progress shows virtual time on stderr while a run goes, only when stderr is a terminal:
// pipelines and CI logs get nothing extra.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(stderr io.Writer, total time.Duration) *progress {
	f, ok := stderr.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return &progress{}
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

// update moves the bar to the event's virtual time.
func (p *progress) update(ev event.Event) {
	if p.bar != nil {
		p.bar.Set64(ev.T.D().Milliseconds())
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
