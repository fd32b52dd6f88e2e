package consimtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// Options tune one Run. The zero value runs the scenario's own seed and writes nothing.
type Options struct {
	// Seed is the run seed; 0 runs the scenario's own (Scenario.Seed, or
	// scenarios.DefaultSeed when that is 0 too).
	Seed uint64
	// Dir, when set, is the run directory, written as `consim run --out` writes it
	// (reports.RunFiles): events.jsonl, summary.json, scenario.yaml (the scenario as run,
	// seed included), report.html and, with a workload, linearizability-MODE.html. It
	// must be new, empty, or an earlier run's (ClaimRunDir); that is checked before the
	// run. `consim check DIR` re-derives the
	// verdicts from it, and `consim run DIR/scenario.yaml` replays the run.
	Dir string
	// WallTimeout bounds the run in wall time; 0 means sim.DefaultWallTimeout. Many runs at
	// once share the machine's cores, and each takes longer.
	WallTimeout time.Duration
	// Engine runs the world compiled to wasm (sim.EngineWasm, also when empty: the
	// reference) or natively (sim.EngineNative: about a sixth of the CPU, deterministic on
	// the machine that built it, see docs/native-engine.md). A stream replays on the
	// engine that made it.
	Engine string
}

// Run runs sc once with opts and judges it. sc is not changed: the run is of a copy with
// the seed set and defaults applied, validated first (so a scenario built in Go gets the
// same checks as a file). The error is a harness failure (a *sim.HarnessError: the world
// hung, crashed or broke the stream protocol), a machine that cannot build the world (a
// *sim.SetupError), an invalid scenario or run directory, or ctx ending; a broken
// expectation is not an error of Run, but in the Result (Result.Err).
//
// The world is built, or found in the cache, on the first Run of the process, and one
// sim.Runner serves every later Run. Run is safe for concurrent use; each run uses about
// one core while it executes.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Result, error) {
	run, err := prepare(sc, opts.Seed)
	if err != nil {
		return nil, err
	}
	if opts.Dir != "" {
		if err := ClaimRunDir(opts.Dir); err != nil {
			return nil, fmt.Errorf("consimtest: run dir %w", err)
		}
	}
	repro := reproduce(run, opts)
	r, err := sharedRunner(ctx, opts.Engine)
	if err != nil {
		return nil, err
	}
	res, err := r.Run(ctx, runspec.Spec{Scenario: *run, Seed: run.Seed}, sim.Options{WallTimeout: opts.WallTimeout})
	if err != nil {
		return nil, harnessFailure(err, res, run, opts.Dir, repro)
	}
	// One judged run; the summary and every file render it.
	checked := checker.NewRun(res.Events)
	sum := reports.Judge(run, checked, res.Stream, res.Wall)
	if opts.Dir != "" {
		files, err := reports.RunFiles(run, checked, sum, res.Stream)
		if err == nil {
			err = WriteRunDir(opts.Dir, files)
		}
		if err != nil {
			return nil, fmt.Errorf("consimtest: %w", err)
		}
	}
	return &Result{Scenario: run, Seed: run.Seed, Summary: sum, Dir: opts.Dir, Reproduce: repro, Stream: res.Stream}, nil
}

// prepare returns the scenario to run: a deep copy of sc (Go callers keep theirs as it
// was; a shallow copy would share the workload and the faults), with the seed and the
// defaults, validated.
func prepare(sc *scenarios.Scenario, seed uint64) (*scenarios.Scenario, error) {
	if sc == nil {
		return nil, errors.New("consimtest: no scenario")
	}
	b, err := json.Marshal(sc)
	if err != nil {
		return nil, fmt.Errorf("consimtest: copy scenario %s: %w", sc.Name, err)
	}
	run := new(scenarios.Scenario)
	if err := json.Unmarshal(b, run); err != nil {
		return nil, fmt.Errorf("consimtest: copy scenario %s: %w", sc.Name, err)
	}
	if seed != 0 {
		run.Seed = seed
	}
	run.ApplyDefaults()
	if err := run.Validate(); err != nil {
		return nil, fmt.Errorf("consimtest: scenario %s: %w", sc.Name, err)
	}
	return run, nil
}

// harnessFailure is Run's error for a run that did not complete. With a run directory,
// what the stream got to is kept there as events.partial.jsonl, with the scenario that
// replays it (`consim run --out` keeps the same partial stream).
func harnessFailure(err error, res *sim.Result, sc *scenarios.Scenario, dir, repro string) error {
	var he *sim.HarnessError
	if errors.As(err, &he) && dir != "" && res != nil && len(res.Stream) > 0 {
		partial := map[string][]byte{"events.partial.jsonl": res.Stream, "scenario.yaml": sc.Canonical()}
		if werr := WriteRunDir(dir, partial); werr == nil {
			err = fmt.Errorf("%w\nthe stream up to the failure is in %s", err, filepath.Join(dir, "events.partial.jsonl"))
		}
	}
	return fmt.Errorf("consimtest: %s seed %d: %w\nreproduce: %s", sc.Name, sc.Seed, err, repro)
}
