package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/consimtest"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
)

// Options tune Execute.
type Options struct {
	// Dir is the benchmark's output directory (ClaimDir): each run is written to
	// Dir/runs/NAME as `consim run --out` writes a run directory, but for the
	// linearizability views (events.jsonl, summary.json, scenario.yaml), so that `consim
	// check` re-derives its summary and `consim run Dir/runs/NAME/scenario.yaml` replays it.
	// "" writes nothing.
	Dir string
	// Parallel is how many runs go at once, each on about one core; 0 means 1.
	Parallel int
	// WallTimeout bounds each run (consimtest.Options.WallTimeout).
	WallTimeout time.Duration
	// Progress, if set, is told of every run that ends, from the goroutine that ran it.
	Progress func(Progress)
}

// Progress is one ended run, as Options.Progress hears of it.
type Progress struct {
	Done, Total int
	Run         *Run
	// Requests is how many requests the run's workload made; Wall is how long the run
	// took, start-up, checking and writing included.
	Requests int
	Wall     time.Duration
}

// Result is a completed run: its judged summary and its requests, sorted into cells.
type Result struct {
	Run     *Run
	Summary reports.Summary
	cells   map[cellKey]*sample
	all     *sample
	window  time.Duration // the workload's window, from its start to its stop
}

// Execute runs every run, o.Parallel at a time, and returns their results in the order
// of runs, whatever order they finished in. The first run the harness could not complete
// stops the others and is the error, with the line that reproduces it.
func Execute(ctx context.Context, runs []Run, m *Matrix, o Options) ([]Result, error) {
	if o.Dir != "" {
		if err := ClaimDir(o.Dir); err != nil {
			return nil, err
		}
		for i := range runs {
			if err := consimtest.ClaimRunDir(runDir(o.Dir, &runs[i])); err != nil {
				return nil, fmt.Errorf("bench: run dir %w", err)
			}
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]Result, len(runs))
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	slots := make(chan struct{}, max(o.Parallel, 1))
	for i := range runs {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			start := time.Now()
			res, err := execute(ctx, &runs[i], m, o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil && !errors.Is(err, context.Canceled) {
					firstErr = err
				}
				cancel()
				return
			}
			results[i] = *res
			done++
			if o.Progress != nil {
				o.Progress(Progress{Done: done, Total: len(runs), Run: &runs[i], Requests: res.all.count(), Wall: time.Since(start)})
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if o.Dir != "" {
		if err := removeStaleRuns(o.Dir, runs); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// execute runs one run and sorts its requests into cells.
func execute(ctx context.Context, r *Run, m *Matrix, o Options) (*Result, error) {
	res, err := consimtest.Run(ctx, r.Scenario, consimtest.Options{Seed: r.Seed, WallTimeout: o.WallTimeout})
	if err != nil {
		return nil, fmt.Errorf("bench: run %s: %w", r.Name, err)
	}
	if o.Dir != "" {
		files := map[string][]byte{
			"events.jsonl":  res.Stream,
			"summary.json":  res.Summary.JSON(),
			"scenario.yaml": res.Scenario.Canonical(),
		}
		if err := consimtest.WriteRunDir(runDir(o.Dir, r), files); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	// The figures come from the stream the summary was judged from, decoded again.
	events, err := event.Decode(res.Stream)
	if err != nil {
		return nil, fmt.Errorf("bench: run %s: %w", r.Name, err)
	}
	ops, err := checker.History(events)
	if err != nil {
		return nil, fmt.Errorf("bench: run %s: %w", r.Name, err)
	}
	from, to := window(res.Scenario)
	cells, all := runSamples(ops, m, from, to)
	return &Result{Run: r, Summary: res.Summary, cells: cells, all: all, window: to - from}, nil
}

// window is the workload's window in sc: from its start to its stop (or the end of the
// run's duration).
func window(sc *scenarios.Scenario) (from, to time.Duration) {
	from, to = sc.Workload.Start.D(), sc.Duration.D()
	if sc.Workload.Stop > 0 {
		to = sc.Workload.Stop.D()
	}
	return from, to
}

func (s *sample) count() int { return s.ok + s.fail + s.unknown + s.inFlight }

// runDir is where run r is written under the benchmark's directory.
func runDir(dir string, r *Run) string { return filepath.Join(dir, "runs", r.Name) }

// Files of a benchmark's directory, besides the runs.
const (
	MarkdownFile = "report.md"
	JSONFile     = "report.json"
	HTMLFile     = "report.html"
	runsDir      = "runs"
)

// ClaimDir checks that a benchmark may write into dir: it does not exist, is empty, or
// holds an earlier benchmark's output (its reports, and under runs/ only run
// directories), which this one replaces. Anything else is refused before anything runs.
func ClaimDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	for _, e := range entries {
		switch name := e.Name(); {
		case name == runsDir && e.IsDir():
			subs, err := os.ReadDir(filepath.Join(dir, runsDir))
			if err != nil {
				return fmt.Errorf("bench: %w", err)
			}
			for _, s := range subs {
				if !s.IsDir() {
					return fmt.Errorf("bench: %s holds %s, which is not a run directory: give a new or empty directory, or an earlier benchmark's", dir, filepath.Join(runsDir, s.Name()))
				}
				if err := consimtest.ClaimRunDir(filepath.Join(dir, runsDir, s.Name())); err != nil {
					return fmt.Errorf("bench: %w", err)
				}
			}
		case !e.IsDir() && slices.Contains([]string{MarkdownFile, JSONFile, HTMLFile}, name):
		default:
			return fmt.Errorf("bench: %s holds %s, which is not a benchmark's: give a new or empty directory, or an earlier benchmark's", dir, name)
		}
	}
	return nil
}

// removeStaleRuns removes the run directories of an earlier benchmark in dir that this
// one did not write (ClaimDir has checked they hold run files only).
func removeStaleRuns(dir string, runs []Run) error {
	entries, err := os.ReadDir(filepath.Join(dir, runsDir))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	for _, e := range entries {
		if slices.ContainsFunc(runs, func(r Run) bool { return r.Name == e.Name() }) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, runsDir, e.Name())); err != nil {
			return fmt.Errorf("bench: remove an earlier benchmark's run: %w", err)
		}
	}
	return nil
}
