package consimtest

import (
	"context"
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/scenarios/gen"
)

// PropertyOptions configure Property.
type PropertyOptions struct {
	// Gen restricts the generated scenarios (bugs to plant, fault kinds, cluster shape).
	Gen gen.Options
	// File is where a failing scenario is written, as a scenario file with its seed that
	// `consim run FILE` replays to the same failure, byte for byte. rapid runs the
	// property again on every smaller scenario it tries while shrinking and once more on
	// the smallest, so the file left holds the smallest failing scenario. Required.
	File string
	// WallTimeout bounds each run in wall time (Options.WallTimeout).
	WallTimeout time.Duration
	// OnRun, when set, is called after every run with its result (nil when the harness
	// failed) and whether the property held. It may be called from several goroutines.
	OnRun func(res *Result, held bool)
	// skip, when set and true, makes the check skip its run: Hunt's other workers stop
	// so once one has found a failure, and its shrinking so at its deadline. mayWrite,
	// when set, says whether a failure may write File: only the worker that shrinks.
	skip, mayWrite func() bool
	// seeds, when set, says how many seeds a check tries (from the drawn one up) before it
	// holds: Hunt's shrinking tries a few, because a smaller scenario is a new run whose
	// failure may show on the next seed and not on this one.
	seeds func() int
}

// Property returns a rapid property over gen.Scenario(o.Gen): each check runs one
// generated scenario and holds when every expectation the generator wrote (gen.Expect:
// consistent reads linearizable, default reads too with no fault, no acknowledged write
// lost, user events delivered once
// to every member owed them, no false failure with no fault in progress; and the
// liveness phase converging) holds. A run the harness could not complete (the world hung
// or crashed) fails it too: that is a finding as well. An expectation the checker could
// not decide is a checker limit, not a failure: it is logged and the check holds.
//
//	rapid.Check(t, consimtest.Property(consimtest.PropertyOptions{File: "testdata/failing.yaml"}))
func Property(o PropertyOptions) func(*rapid.T) {
	if o.File == "" {
		panic("consimtest: PropertyOptions.File is required")
	}
	g := gen.Scenario(o.Gen)
	return func(t *rapid.T) {
		sc := g.Draw(t, "scenario")
		if o.skip != nil && o.skip() {
			t.Skip("another worker found a failure")
		}
		tries := 1
		if o.seeds != nil {
			tries = max(o.seeds(), 1)
		}
		for i := range tries {
			seeded := *sc
			seeded.Seed = sc.Seed + uint64(i)
			res, err := Run(context.Background(), &seeded, Options{WallTimeout: o.WallTimeout})
			if err != nil {
				if o.OnRun != nil {
					o.OnRun(nil, false)
				}
				t.Fatalf("%v\n%s", err, o.writeFailing(&seeded))
			}
			held := len(res.Failed()) == 0
			if o.OnRun != nil {
				o.OnRun(res, held)
			}
			if !held {
				t.Fatalf("%s\n%s", res.failures(), o.writeFailing(res.Scenario))
			}
			if err := res.Err(); err != nil {
				t.Logf("a checker limit, not a failure: %v", err)
			}
		}
	}
}

// writeFailing writes sc to file and says how to replay it. A hunt worker that did not
// find the hunt's failure leaves the file to the one that shrinks it.
func (o PropertyOptions) writeFailing(sc *scenarios.Scenario) string {
	if o.mayWrite != nil && !o.mayWrite() {
		return "(another worker's failure is being shrunk)"
	}
	file := o.File
	if err := WriteFile(file, sc.Canonical()); err != nil {
		return fmt.Sprintf("(could not write the failing scenario: %v)", err)
	}
	return "the failing scenario is in " + file + "; replay it with: consim run " + file
}
