package consimtest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/scenarios/gen"
)

// shrinkScenario carries on where rapid's shrinking stops: it takes the failing scenario
// in file and tries gen.Smaller's simpler versions of it, each on shrinkSeeds seeds (from
// its own up), keeping the first that fails the same way (every expectation the original
// failed, or a harness failure for a harness failure), and starts again from
// it, until nothing simpler fails or deadline passes. Each kept scenario is written to
// file at once, so the file always holds the smallest failure found. parallel candidates
// run at once. onRun is called
// after every run with its result (nil for a harness failure) and whether it held; run
// makes a run (Run, in a hunt).
func shrinkScenario(ctx context.Context, file string, deadline time.Time, parallel int, run runFunc, onRun func(*Result, bool)) error {
	if time.Now().After(deadline) {
		return nil
	}
	sc, err := Load(file)
	if err != nil {
		return err
	}
	// The failure to keep: what the file's own run fails.
	first, err := run(sc)
	if onRun != nil {
		onRun(first, err == nil && len(first.Failed()) == 0)
	}
	var want []string // failed expectations; nil with harnessFailed
	harnessFailed := err != nil
	if err == nil {
		for _, x := range first.Failed() {
			want = append(want, x.Name)
		}
		if len(want) == 0 {
			return nil // not failing on its own: nothing to shrink from
		}
	}
	fails := func(c *scenarios.Scenario) bool {
		if time.Now().After(deadline) {
			return false
		}
		res, err := run(c)
		held := err == nil && len(res.Failed()) == 0
		if onRun != nil {
			onRun(res, held)
		}
		if err != nil || harnessFailed {
			return err != nil && harnessFailed
		}
		var failed []string
		for _, x := range res.Failed() {
			failed = append(failed, x.Name)
		}
		for _, w := range want {
			if !slices.Contains(failed, w) {
				return false
			}
		}
		return true
	}
	for progress := true; progress; {
		progress = false
		// parallel candidates at a time; of those that fail, the first in Smaller's order
		// is kept, so the result does not depend on which run ends first.
		cands := gen.Smaller(sc)
		for len(cands) > 0 && !progress {
			if time.Now().After(deadline) || ctx.Err() != nil {
				return nil
			}
			batch := cands[:min(max(parallel, 1), len(cands))]
			cands = cands[len(batch):]
			kept := make([]*scenarios.Scenario, len(batch))
			var wg sync.WaitGroup
			for i, c := range batch {
				wg.Go(func() { kept[i] = failsOnSomeSeed(c, fails) })
			}
			wg.Wait()
			if i := slices.IndexFunc(kept, func(k *scenarios.Scenario) bool { return k != nil }); i >= 0 {
				if err := WriteFile(file, kept[i].Canonical()); err != nil {
					return err
				}
				sc, progress = kept[i], true
			}
		}
	}
	return nil
}

// runFunc runs a scenario and judges it.
type runFunc func(*scenarios.Scenario) (*Result, error)

// failsOnSomeSeed tries c on shrinkSeeds seeds from its own up and returns c with the
// first seed that fails, or nil.
func failsOnSomeSeed(c *scenarios.Scenario, fails func(*scenarios.Scenario) bool) *scenarios.Scenario {
	for i := range uint64(shrinkSeeds) {
		seeded := *c
		seeded.Seed = c.Seed + i
		if fails(&seeded) {
			return &seeded
		}
	}
	return nil
}
