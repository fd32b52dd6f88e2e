package sim_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// A warm worker's runs are isolated: a run gives the same stream in a worker that has
// just run another scenario, one that panicked, as in a new worker; a worker stopped at
// its wall-time limit is replaced, one whose guest panicked is kept.
func TestWarmWorkerRunsAreIsolated(t *testing.T) {
	ctx := context.Background()
	g, err := sim.BuildGuest(ctx, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sim.NewRunner(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	short := func(name string) scenarios.Scenario {
		sc := builtin(t, name)
		sc.Duration = scenarios.Duration(3 * time.Second)
		return sc
	}
	a := runspec.Spec{Scenario: short("baseline"), Seed: 3}
	run := func(spec runspec.Spec, opts sim.Options) (*sim.Result, error) { return r.Run(ctx, spec, opts) }
	first, err := run(a, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var he *sim.HarnessError
	// Another scenario with a workload, then a hang (the worker is killed), then a panic
	// (the guest exits; the worker stays), each followed by the first run again.
	others := []struct {
		spec runspec.Spec
		opts sim.Options
		kind string
	}{
		{runspec.Spec{Scenario: short("leader-isolation"), Seed: 9}, sim.Options{}, ""},
		{runspec.Spec{Scenario: short("baseline"), Seed: 1, Debug: runspec.Debug{HangAt: scenarios.Duration(time.Second)}}, sim.Options{WallTimeout: 6 * time.Second}, "hang"},
		{runspec.Spec{Scenario: short("baseline"), Seed: 1, Debug: runspec.Debug{PanicAt: scenarios.Duration(time.Second)}}, sim.Options{}, "crash"},
	}
	for _, o := range others {
		_, err := run(o.spec, o.opts)
		switch {
		case o.kind == "" && err != nil:
			t.Fatal(err)
		case o.kind != "" && (!errors.As(err, &he) || he.Kind != o.kind):
			t.Fatalf("want a %s, got %v", o.kind, err)
		}
		again, err := run(a, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if again.StreamHash() != first.StreamHash() {
			t.Errorf("after %s seed %d (%s), the run differs at line %d", o.spec.Scenario.Name, o.spec.Seed, o.kind,
				firstDiffLine(first.Stream, again.Stream))
		}
	}
	// The first worker ran until the hang killed it; a second one ran everything after.
	if n := sim.WorkersStarted(r); n != 2 {
		t.Errorf("%d workers started for 8 runs, want 2 (one replaced after the hang)", n)
	}
}
