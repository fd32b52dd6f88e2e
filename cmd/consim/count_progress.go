package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// countProgress shows how many of a known number of runs are done, on stderr: a bar on a
// terminal, and elsewhere (a pipe, a CI log) a line for each finished run, so a long sweep
// is never silent. Safe for concurrent use.
type countProgress struct {
	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	log      io.Writer // without a terminal
	finished int
	total    int
}

func newCountProgress(stderr io.Writer, total int, what string) *countProgress {
	f, ok := stderr.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return &countProgress{log: stderr, total: total}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
	)
	return &countProgress{bar: bar, total: total}
}

// done counts one finished run; without a terminal it prints what, with the count.
func (p *countProgress) done(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	switch {
	case p.bar != nil:
		p.bar.Add(1)
	case p.log != nil:
		fmt.Fprintf(p.log, "consim: %s (%d of %d)\n", what, p.finished, p.total)
	}
}

func (p *countProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
