package consimtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/scenarios/gen"
)

// HuntOptions configure Hunt.
type HuntOptions struct {
	// Gen restricts the generated scenarios.
	Gen gen.Options
	// Checks is how many generated scenarios to run at most; 0 means 100.
	Checks int
	// Seed is rapid's base seed: the same seed draws the same scenarios. 0 draws one.
	Seed uint64
	// Parallel is how many workers search at once, each on its own seed (Seed + i);
	// 0 means 1. Once one finds a failure the others stop, and it shrinks alone.
	Parallel int
	// File is where the shrunk failing scenario is written (PropertyOptions.File).
	File string
	// ShrinkTime bounds the time spent shrinking a failure; 0 means 20 minutes. rapid's
	// shrinker has the first third of it; the rest goes to gen.Smaller's, which carries
	// on from the smallest failure rapid found.
	ShrinkTime time.Duration
	// WallTimeout bounds each run (Options.WallTimeout).
	WallTimeout time.Duration
	// Deadline, when set, ends the search: no new scenario starts after it (a failure
	// found before it is still shrunk).
	Deadline time.Time
	// OnRun is called after every run, from the workers.
	OnRun func(HuntRun)
}

// HuntRun is one run of a hunt, as OnRun reports it.
type HuntRun struct {
	// Result is the judged run; nil when the harness could not complete it.
	Result *Result
	// Held says whether every property held.
	Held bool
	// Check is the generated scenario's number (from 1, across workers) while the hunt
	// searches; 0 for the runs of shrinking.
	Check int
	// Found is set on the failing check the hunt goes on to shrink (with several workers,
	// another may fail at about the same time; the first is shrunk).
	Found bool
	// Shrinking is set for the runs that try smaller versions of the failure found: Held
	// then means the smaller version no longer fails.
	Shrinking bool
}

// shrinkSeeds is how many seeds each smaller scenario gets while a failure shrinks: a
// smaller scenario is another run, and a bug that shows on one seed in three would
// otherwise stop the shrinking at the first change that moves it off its lucky seed.
const shrinkSeeds = 3

// Finding is the failure Hunt found, shrunk.
type Finding struct {
	// File holds the smallest failing scenario, seed included.
	File string
	// Message is why its run failed: the failed expectations, or the harness error.
	Message string
	// Checks is how many generated scenarios had run when the first failure was found
	// (across workers); Runs counts every run, shrinking's too.
	Checks, Runs int
	// Seed is the base seed of the worker that found it: with Parallel 1 and this seed,
	// the hunt draws the same scenarios again.
	Seed uint64
	// Replay is the run of File as loaded from it, which Hunt makes to prove the file
	// replays the failure: nil when that run was a harness failure (ReplayErr).
	Replay    *Result
	ReplayErr error
}

// Hunt runs the properties (Property) over up to o.Checks generated scenarios and, on
// the first failure, shrinks it and writes it to o.File. It returns nil, nil when every
// check held. It is what `consim hunt` runs, for programs that are not a go test: it sets
// rapid's command-line flags (checks, seed, shrink time, no fail file) for its own use,
// so do not call it while rapid runs other checks in the same process.
func Hunt(ctx context.Context, o HuntOptions) (*Finding, error) {
	if err := o.Gen.Check(); err != nil {
		return nil, fmt.Errorf("consimtest: hunt: %w", err)
	}
	if o.File == "" {
		return nil, errors.New("consimtest: hunt: no file for the failing scenario")
	}
	checks, workers := o.Checks, max(o.Parallel, 1)
	if checks == 0 {
		checks = 100
	}
	if checks < 1 {
		return nil, fmt.Errorf("consimtest: hunt: checks %d: want 1 or more", checks)
	}
	workers = min(workers, checks)
	shrink := o.ShrinkTime
	if shrink == 0 {
		shrink = 20 * time.Minute
	}
	if err := rapidFlags(map[string]string{
		"rapid.checks": strconv.Itoa((checks + workers - 1) / workers), "rapid.nofailfile": "true",
		"rapid.shrinktime": (shrink / 3).String(),
	}); err != nil {
		return nil, err
	}
	var (
		claimed       bool      // a worker found a failure
		shrinkEnd     time.Time // when rapid's shrinking must stop
		huntEnd       time.Time // when all shrinking must stop
		checksRun     atomic.Int64
		runs          atomic.Int64
		mu            sync.Mutex
		found         *Finding
		foundAtChecks int
		wg            sync.WaitGroup
	)
	for i := range workers {
		seed := uint64(0)
		if o.Seed != 0 {
			seed = o.Seed + uint64(i)
		}
		if err := rapidFlags(map[string]string{"rapid.seed": strconv.FormatUint(seed, 10)}); err != nil {
			return nil, err
		}
		started := make(chan struct{})
		var once sync.Once
		tb := &huntTB{name: fmt.Sprintf("hunt-%d", i)}
		failing := false // this worker's: it found the hunt's failure and shrinks it
		skip := func() bool {
			mu.Lock()
			defer mu.Unlock()
			if failing {
				// rapid checks its shrink deadline between values, not within one, and one
				// value can take dozens of runs: past the deadline every try is skipped,
				// which rapid counts as not reproducing, and so it stops. The file then
				// holds the smallest failure found, written when it failed.
				return time.Now().After(shrinkEnd)
			}
			return claimed || !o.Deadline.IsZero() && time.Now().After(o.Deadline)
		}
		mayWrite := func() bool {
			mu.Lock()
			defer mu.Unlock()
			return failing
		}
		seeds := func() int {
			mu.Lock()
			defer mu.Unlock()
			if failing {
				return shrinkSeeds
			}
			return 1
		}
		prop := Property(PropertyOptions{Gen: o.Gen, File: o.File, WallTimeout: o.WallTimeout, skip: skip, mayWrite: mayWrite, seeds: seeds,
			OnRun: func(res *Result, held bool) {
				runs.Add(1)
				mu.Lock()
				shrinking, found := failing, !held && !claimed
				if found {
					// The first failure of the hunt: this worker shrinks it, the others stop.
					now := time.Now()
					claimed, failing, shrinkEnd, huntEnd = true, true, now.Add(shrink/3), now.Add(shrink)
				}
				check := 0
				if !shrinking {
					check = int(checksRun.Add(1))
					if found {
						foundAtChecks = check
					}
				}
				mu.Unlock()
				if o.OnRun != nil {
					o.OnRun(HuntRun{Result: res, Held: held, Check: check, Found: found, Shrinking: shrinking})
				}
			}})
		wg.Go(func() {
			rapid.Check(tb, func(t *rapid.T) {
				once.Do(func() { close(started) })
				prop(t)
			})
			once.Do(func() { close(started) })
			mu.Lock()
			defer mu.Unlock()
			if failing && found == nil {
				found = &Finding{File: o.File, Message: tb.failure(), Seed: seed}
			}
		})
		// rapid reads its seed flag when a check starts: the next worker's seed may be set
		// once this one has begun.
		select {
		case <-started:
		case <-ctx.Done():
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("consimtest: hunt: %w", err)
	}
	if found == nil {
		return nil, nil
	}
	// rapid's shrinking moves the draws; gen.Smaller's moves the scenario itself.
	run := func(sc *scenarios.Scenario) (*Result, error) {
		return Run(ctx, sc, Options{WallTimeout: o.WallTimeout})
	}
	err := shrinkScenario(ctx, o.File, huntEnd, workers, run, func(res *Result, held bool) {
		runs.Add(1)
		if o.OnRun != nil {
			o.OnRun(HuntRun{Result: res, Held: held, Shrinking: true})
		}
	})
	if err != nil {
		return found, fmt.Errorf("consimtest: hunt: shrink %s: %w", o.File, err)
	}
	found.Checks, found.Runs = foundAtChecks, int(runs.Load())
	// The file is what a user shares: prove it replays the failure on its own.
	sc, err := Load(o.File)
	if err != nil {
		return found, fmt.Errorf("consimtest: hunt: the failing scenario it wrote does not load: %w", err)
	}
	found.Replay, found.ReplayErr = Run(ctx, sc, Options{WallTimeout: o.WallTimeout})
	// Say why in the words of that replay: rapid's own report of a shrink cut short by its
	// deadline speaks of its last skipped try, not of the failure.
	switch {
	case found.ReplayErr != nil:
		found.Message = found.ReplayErr.Error()
	case found.Replay != nil:
		found.Replay.Reproduce = "consim run " + o.File
		if msg := found.Replay.failures(); msg != "" {
			found.Message = msg
		}
	}
	return found, nil
}

// rapidFlags sets rapid's flags, which it reads from the process's flag set; outside a
// test binary the testing flags rapid consults (-test.short) are registered first.
func rapidFlags(values map[string]string) error {
	if flag.Lookup("test.short") == nil {
		testing.Init()
	}
	if !flag.Parsed() {
		flag.CommandLine.Parse(nil)
	}
	for k, v := range values {
		if err := flag.Set(k, v); err != nil {
			return fmt.Errorf("consimtest: hunt: set -%s: %w", k, err)
		}
	}
	return nil
}

// huntTB is the rapid.TB of a hunt worker: it keeps what the property said when it
// failed instead of failing a test.
type huntTB struct {
	name   string
	mu     sync.Mutex
	failed bool
	errs   []string
}

func (t *huntTB) Helper()                         {}
func (t *huntTB) Name() string                    { return t.name }
func (t *huntTB) Logf(format string, args ...any) {}
func (t *huntTB) Log(args ...any)                 {}
func (t *huntTB) Skipf(format string, args ...any) {
	t.Errorf(format, args...)
}
func (t *huntTB) Skip(args ...any) { t.Error(args...) }
func (t *huntTB) SkipNow()         { t.Fail() }
func (t *huntTB) Errorf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
	t.errs = append(t.errs, fmt.Sprintf(format, args...))
}
func (t *huntTB) Error(args ...any)                 { t.Errorf("%s", fmt.Sprint(args...)) }
func (t *huntTB) Fatalf(format string, args ...any) { t.Errorf(format, args...) }
func (t *huntTB) Fatal(args ...any)                 { t.Error(args...) }
func (t *huntTB) FailNow()                          { t.Fail() }
func (t *huntTB) Fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
}
func (t *huntTB) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// failure is the property's own message from rapid's report, without rapid's advice on
// rerunning a go test (a hunt replays with the file instead).
func (t *huntTB) failure() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.errs {
		if _, msg, ok := strings.Cut(e, "tests: "); ok && strings.HasPrefix(e, "[rapid] ") {
			msg, _, _ = strings.Cut(msg, "\nTo reproduce, specify")
			return msg
		}
	}
	return strings.Join(t.errs, "\n")
}
