package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/consim/consim/bench"
	"github.com/consim/consim/consimtest"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
)

type sweepFlags struct {
	seeds       []string
	parallel    int
	out         string
	keepAll     bool
	junit       string
	wallTimeout time.Duration
	engine      string
}

func newSweepCmd(stdout, stderr io.Writer) *cobra.Command {
	var f sweepFlags
	cmd := &cobra.Command{
		Use:   "sweep SCENARIO",
		Short: "Run a scenario over many seeds, several at once, and say which seeds failed",
		Long: `Run one scenario (a file or a built-in name) once for each seed, several runs at once on
warm workers, and judge each run as consim run does. Each seed is another run of the same
scenario: other timings, other elections, other interleavings.

stdout gets one line per seed, in seed order (ok, FAIL with the first expectation that
failed, UNDECIDED, or HARNESS), then the totals. The run directory of every seed that did
not pass is kept, as consim run writes it, under --out (default out/sweep-SCENARIO/seed-N);
those of passing seeds are removed unless --keep-all. Each kept seed's scenario.yaml
replays it: consim run DIR/seed-N/scenario.yaml.

--engine native runs the worlds natively (about a sixth of the CPU; a stream replays
on the machine that built it, see docs/native-engine.md); the kept scenarios then
replay with --engine native.

Exit code: 3 if the harness could not complete a run, else 1 if an expectation failed for
some seed, else 4 if the checker could not decide one, else 0.`,
		Example: `  consim sweep lease-window --seeds 1-20
  consim sweep ./my-scenario.yaml --seeds 1-100 --parallel 2 --junit sweep.xml`,
		Args:              exactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			return sweep(cmd.Context(), args[0], f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.seeds, "seeds", []string{"1-20"}, "run seeds: numbers and ranges (1,2 or 1-5)")
	fl.IntVar(&f.parallel, "parallel", runtime.NumCPU(), "runs at once, each on about one core (one per core unless set)")
	fl.StringVar(&f.out, "out", "", "where the run directories go, one per seed (default: out/sweep-SCENARIO)")
	fl.BoolVar(&f.keepAll, "keep-all", false, "keep the run directory of every seed, not only of those that did not pass")
	fl.StringVar(&f.junit, "junit", "", "also write JUnit XML to this file, for CI (one suite per seed, one test case per expectation)")
	fl.DurationVar(&f.wallTimeout, "wall-timeout", sim.DefaultWallTimeout, "stop a run that takes longer than this in wall time (harness failure)")
	fl.StringVar(&f.engine, "engine", sim.EngineWasm, "the engine that runs the world: wasm (the reference) or native (faster; replays on the machine that built it)")
	cmd.RegisterFlagCompletionFunc("engine", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{sim.EngineWasm, sim.EngineNative}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// sweepSeeds reads --seeds as consim bench does, and refuses seed 0 (it would run the
// scenario's own seed under another name) and a seed listed twice (two runs, one directory).
func sweepSeeds(list []string) ([]uint64, error) {
	seeds, err := bench.ParseSeeds(list)
	if err != nil {
		return nil, err
	}
	seen := map[uint64]bool{}
	for _, s := range seeds {
		switch {
		case s == 0:
			return nil, errors.New("seeds start at 1, got 0")
		case seen[s]:
			return nil, fmt.Errorf("seed %d is listed twice", s)
		}
		seen[s] = true
	}
	return seeds, nil
}

// seedOutcome is one seed's run, judged.
type seedOutcome struct {
	seed   uint64
	engine string
	dir    string
	res    *consimtest.Result // nil when the harness failed
	err    error              // a harness failure
}

// verdict is the word of the seed's line: ok, FAIL, UNDECIDED or HARNESS.
func (o seedOutcome) verdict() string {
	switch {
	case o.err != nil:
		return "HARNESS"
	case len(o.res.Failed()) > 0:
		return "FAIL"
	case len(reports.Undecided(o.res.Summary.Expectations)) > 0:
		return "UNDECIDED"
	}
	return "ok"
}

func sweep(ctx context.Context, arg string, f sweepFlags, stdout, stderr io.Writer) error {
	if f.parallel < 1 {
		return badInput(fmt.Errorf("--parallel %d: want 1 or more", f.parallel))
	}
	if f.engine != sim.EngineWasm && f.engine != sim.EngineNative {
		return badInput(fmt.Errorf("--engine %q: want %s (the default) or %s", f.engine, sim.EngineWasm, sim.EngineNative))
	}
	if f.wallTimeout <= 0 {
		return badInput(fmt.Errorf("--wall-timeout %s: want a positive duration", f.wallTimeout))
	}
	seeds, err := sweepSeeds(f.seeds)
	if err != nil {
		return badInput(fmt.Errorf("--seeds: %w", err))
	}
	sc, _, err := scenarios.Load(arg)
	if err != nil {
		return badInput(err)
	}
	root := f.out
	if root == "" {
		root = filepath.Join("out", "sweep-"+sc.Name)
	}
	// Every directory is claimed before the first run, so a sweep never stops halfway on
	// a directory it may not write.
	outcomes := make([]seedOutcome, len(seeds))
	for i, seed := range seeds {
		outcomes[i] = seedOutcome{seed: seed, engine: f.engine, dir: filepath.Join(root, fmt.Sprintf("seed-%d", seed))}
		if err := claimRunDir(outcomes[i].dir); err != nil {
			return badInput(err)
		}
	}
	fmt.Fprintf(stderr, "consim sweep: %s, %d %s, %d at once, %s engine\n", sc.Name, len(seeds), plural(len(seeds), "seed", "seeds"), min(f.parallel, len(seeds)), f.engine)
	bar := newCountProgress(stderr, len(seeds), "seeds")
	start := time.Now()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fatal error // not about one seed: the world cannot be built, ctx ended
	)
	slots := make(chan struct{}, f.parallel)
	for i := range outcomes {
		o := &outcomes[i]
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			res, err := consimtest.Run(ctx, sc, consimtest.Options{Seed: o.seed, Dir: o.dir, WallTimeout: f.wallTimeout, Engine: f.engine})
			var he *sim.HarnessError
			switch {
			case errors.As(err, &he):
				o.err = err
			case err != nil:
				mu.Lock()
				fatal = firstErr(fatal, err)
				mu.Unlock()
				return
			default:
				o.res = res
				if !f.keepAll && o.verdict() == "ok" {
					os.RemoveAll(o.dir)
				}
			}
			bar.done(fmt.Sprintf("seed %d: %s", o.seed, o.verdict()))
		})
	}
	wg.Wait()
	bar.finish()
	if fatal != nil {
		return fatal
	}
	wall := time.Since(start)
	writeSweep(stdout, sc.Name, outcomes, root, f, wall)
	var suites []reports.JUnitSuite
	for _, o := range outcomes {
		if o.err != nil {
			suites = append(suites, harnessSuite(sc.Name, o.seed, o.err, keptRepro(o)))
		} else {
			suites = append(suites, reports.RunSuite(o.res.Summary, keptRepro(o)))
		}
	}
	if err := writeJUnit(f.junit, suites...); err != nil {
		return err
	}
	return sweepExit(outcomes)
}

// firstErr keeps the first error.
func firstErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// keptRepro is the command that replays the seed: its kept scenario.yaml, or the scenario
// with the seed when its directory was removed.
func keptRepro(o seedOutcome) string {
	if o.res != nil {
		return o.res.Reproduce
	}
	repro := fmt.Sprintf("consim run %s", filepath.Join(o.dir, "scenario.yaml"))
	if o.engine == sim.EngineNative {
		repro += " --engine " + sim.EngineNative
	}
	return repro
}

// writeSweep prints one line per seed in seed order, then the totals.
func writeSweep(w io.Writer, name string, outcomes []seedOutcome, root string, f sweepFlags, wall time.Duration) {
	count := map[string]int{}
	var virtual float64
	for _, o := range outcomes {
		v := o.verdict()
		count[v]++
		line := fmt.Sprintf("seed %-6d %-9s", o.seed, v)
		if o.res != nil {
			line += fmt.Sprintf(" stream %.16s", o.res.Summary.StreamSHA256)
		}
		switch {
		case o.err != nil:
			line += " " + firstLine(o.err.Error())
		case v == "ok":
		default:
			xs := o.res.Failed()
			if v == "UNDECIDED" {
				xs = reports.Undecided(o.res.Summary.Expectations)
			}
			line += fmt.Sprintf(" %s: %s", xs[0].Name, xs[0].Detail)
			if len(xs) > 1 {
				line += fmt.Sprintf(" (and %d more)", len(xs)-1)
			}
		}
		if o.res != nil {
			virtual += o.res.Summary.VirtualSeconds
		}
		fmt.Fprintln(w, line)
	}
	n := len(outcomes)
	fmt.Fprintf(w, "sweep      %s: %d %s, %d ok, %d failed, %d undecided, %d harness %s\n", name, n,
		plural(n, "seed", "seeds"), count["ok"], count["FAIL"], count["UNDECIDED"], count["HARNESS"],
		plural(count["HARNESS"], "failure", "failures"))
	fmt.Fprintf(w, "time       %.1f s virtual in %.1f s wall, %d at once: %.0f seeds an hour\n",
		virtual, wall.Seconds(), min(f.parallel, n), float64(n)/wall.Hours())
	if kept := n - count["ok"]; f.keepAll || kept > 0 {
		what := fmt.Sprintf("the %d that did not pass", kept)
		if f.keepAll {
			what = "every seed"
		}
		fmt.Fprintf(w, "run dirs   %s (%s)\n", root, what)
	}
	for _, o := range outcomes {
		if o.verdict() != "ok" {
			fmt.Fprintf(w, "reproduce  %s\n", keptRepro(o))
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// sweepExit is the sweep's exit code as an error: the harness's failure first (no verdict
// can be trusted from a run that did not complete), then a failed expectation, then an
// undecided one.
func sweepExit(outcomes []seedOutcome) error {
	var harness, failed, undecided []string
	for _, o := range outcomes {
		s := fmt.Sprint(o.seed)
		switch o.verdict() {
		case "HARNESS":
			harness = append(harness, s)
		case "FAIL":
			failed = append(failed, s)
		case "UNDECIDED":
			undecided = append(undecided, s)
		}
	}
	switch {
	case len(harness) > 0:
		return &exitError{code: exitHarness, err: fmt.Errorf("the harness could not complete the run of %s %s", plural(len(harness), "seed", "seeds"), strings.Join(harness, ", "))}
	case len(failed) > 0:
		return &exitError{code: exitExpected, err: fmt.Errorf("expectations failed for %s %s", plural(len(failed), "seed", "seeds"), strings.Join(failed, ", "))}
	case len(undecided) > 0:
		return &exitError{code: exitUndecided, err: fmt.Errorf("the checker could not decide some expectation for %s %s (no expectation failed)", plural(len(undecided), "seed", "seeds"), strings.Join(undecided, ", "))}
	}
	return nil
}
