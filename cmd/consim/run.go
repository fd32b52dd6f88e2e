package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

type runFlags struct {
	seed        uint64
	seedSet     bool
	out         string
	trace       bool
	wallTimeout time.Duration
	format      string
	junit       string
	debugHang   time.Duration
	debugPanic  time.Duration
	engine      string
}

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario (a file or a built-in name) and summarize it",
		Long: `Run a scenario in the simulated world and write the run directory:
  DIR/events.jsonl   the exact event stream (docs/events.md)
  DIR/summary.json   the summary (docs/summary.md)
  DIR/scenario.yaml  the scenario as run, seed included
  DIR/report.html    the run as a page: verdicts, expectations, a timeline, latency
                     and throughput plots, anomalies (docs/report.md)
  DIR/linearizability-MODE.html  with a workload: each read mode's history in
                     porcupine's view, with the verdict, the anomalies, a time axis
                     and the fault windows (docs/view.md); #op=OPID goes to an op

The same scenario and seed give the same events.jsonl, byte for byte, on the same
engine: --engine wasm (the default, the reference) runs the world compiled to
WebAssembly; --engine native runs the same world as native code, on 6 to 8 times less CPU,
with a patched copy of Go's runtime (docs/native-engine.md). A native stream replays
on the machine that built it (every built-in, seeds 1 to 20, 10 runs each: one stream
for each scenario and seed), and it may differ on another machine, so wasm stays the
reference. The two engines' streams differ for the same seed; the stream's first line
names the engine.`,
		Example: `  consim run baseline
  consim run baseline --seed 42 --out /tmp/run42
  consim run ./my-scenario.yaml --trace
  consim run gossip-100 --engine native`,
		Args:              exactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.seedSet = cmd.Flags().Changed("seed")
			return runScenario(cmd.Context(), args[0], f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.Var((*seedFlag)(&f.seed), "seed", "run seed, from 1 (default: the scenario's seed)")
	fl.StringVar(&f.out, "out", "", "run directory (default: out/SCENARIO-seed-N)")
	fl.BoolVar(&f.trace, "trace", false, "include raft, memberlist and node log lines in the stream")
	fl.DurationVar(&f.wallTimeout, "wall-timeout", sim.DefaultWallTimeout, "stop a run that takes longer than this in wall time (harness failure, exit 3)")
	fl.StringVar(&f.engine, "engine", sim.EngineWasm, "the engine that runs the world: wasm (the reference) or native (faster; replays on the machine that built it)")
	cmd.RegisterFlagCompletionFunc("engine", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{sim.EngineWasm, sim.EngineNative}, cobra.ShellCompDirectiveNoFileComp
	})
	fl.StringVar(&f.junit, "junit", "", "also write the expectations as JUnit XML to this file, for CI (one test case per expectation)")
	fl.StringVar(&f.format, "format", "text", "summary on stdout: text or json (the summary, with run_dir and reproduce)")
	cmd.RegisterFlagCompletionFunc("format", completeFormat)
	fl.DurationVar(&f.debugHang, "debug-hang-at", 0, "testing the harness: make the world spin forever at this virtual time")
	fl.DurationVar(&f.debugPanic, "debug-panic-at", 0, "testing the harness: make the world panic at this virtual time")
	fl.MarkHidden("debug-hang-at")
	fl.MarkHidden("debug-panic-at")
	return cmd
}

func runScenario(ctx context.Context, arg string, f runFlags, stdout, stderr io.Writer) error {
	if f.format != "text" && f.format != "json" {
		return badInput(fmt.Errorf("--format %q: want text or json", f.format))
	}
	if f.engine != sim.EngineWasm && f.engine != sim.EngineNative {
		return badInput(fmt.Errorf("--engine %q: want %s (the default) or %s", f.engine, sim.EngineWasm, sim.EngineNative))
	}
	sc, _, err := scenarios.Load(arg)
	if err != nil {
		return badInput(err)
	}
	if f.seedSet {
		sc.Seed = f.seed // seedFlag takes 1 and up
	}
	seed := sc.Seed
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", fmt.Sprintf("%s-seed-%d", sc.Name, seed))
	}
	if err := claimRunDir(dir); err != nil {
		return badInput(err)
	}
	spec := runspec.Spec{Scenario: *sc, Seed: seed, Trace: f.trace,
		Debug: runspec.Debug{HangAt: scenarios.Duration(f.debugHang), PanicAt: scenarios.Duration(f.debugPanic)}}
	progress := newProgress(stderr, sc.Duration.D())
	res, err := sim.Run(ctx, spec, sim.Options{WallTimeout: f.wallTimeout, OnEvent: progress.update, BuildLog: stderr, Engine: f.engine})
	progress.finish()
	repro := reproLine(arg, seed, f)
	if err != nil {
		var he *sim.HarnessError
		if errors.As(err, &he) && res != nil && len(res.Stream) > 0 {
			partial := map[string][]byte{"events.partial.jsonl": res.Stream}
			if werr := writeFiles(dir, partial); werr == nil {
				err = fmt.Errorf("%w\nthe stream up to the failure is in %s", err, filepath.Join(dir, "events.partial.jsonl"))
			}
		}
		if jerr := writeJUnit(f.junit, harnessSuite(sc.Name, seed, err, repro)); jerr != nil {
			fmt.Fprintf(stderr, "consim: %v\n", jerr)
		}
		return fmt.Errorf("%w\nreproduce: %s", err, repro)
	}
	// One judged run; every file and the terminal render it.
	run := checker.NewRun(res.Events)
	sum := reports.Judge(sc, run, res.Stream, res.Wall)
	files, err := reports.RunFiles(sc, run, sum, res.Stream)
	if err != nil {
		return err
	}
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	if err := writeJUnit(f.junit, reports.RunSuite(sum, repro)); err != nil {
		return err
	}
	if f.format == "json" {
		stdout.Write(sum.RunJSON(dir, repro))
	} else {
		reports.WriteText(stdout, sum)
		fmt.Fprintf(stdout, "run dir    %s\nreproduce  %s\n", dir, repro)
	}
	return expectationsHeld(sum, repro)
}

// expectationsHeld is nil when every expectation held; otherwise the exit-1 error that
// says which failed, or, when none failed but the checker could not decide some, the
// exit-4 error that says so; both with how to reproduce the run.
func expectationsHeld(sum reports.Summary, repro string) error {
	failed, undecided := reports.Failed(sum.Expectations), reports.Undecided(sum.Expectations)
	if len(failed) == 0 && len(undecided) == 0 {
		return nil
	}
	var b strings.Builder
	code := exitExpected
	if len(failed) > 0 {
		fmt.Fprintf(&b, "%d of %d expectations failed:", len(failed), len(sum.Expectations))
		for _, x := range failed {
			fmt.Fprintf(&b, "\n  %s: %s", x.Name, x.Detail)
		}
		if len(undecided) > 0 {
			b.WriteString("\nand the checker could not decide:")
		}
	} else {
		code = exitUndecided
		fmt.Fprintf(&b, "%d of %d expectations undecided: the checker reached its limit (no expectation failed, no anomaly was found there):",
			len(undecided), len(sum.Expectations))
	}
	for _, x := range undecided {
		fmt.Fprintf(&b, "\n  %s: %s", x.Name, x.Detail)
	}
	if len(sum.Bugs) > 0 {
		fmt.Fprintf(&b, "\nbugs were planted in the nodes of this run (%s): the findings are the planted bugs'", strings.Join(sum.Bugs, ", "))
	}
	fmt.Fprintf(&b, "\nreproduce: %s", repro)
	return &exitError{code: code, err: errors.New(b.String())}
}

// reproLine is the command that replays this run exactly.
func reproLine(arg string, seed uint64, f runFlags) string {
	parts := []string{"consim", "run", arg, "--seed", fmt.Sprint(seed)}
	if f.trace {
		parts = append(parts, "--trace")
	}
	if f.engine == sim.EngineNative { // a stream replays on the engine that made it
		parts = append(parts, "--engine", f.engine)
	}
	if f.wallTimeout != sim.DefaultWallTimeout {
		parts = append(parts, "--wall-timeout", f.wallTimeout.String())
	}
	if f.debugHang > 0 {
		parts = append(parts, "--debug-hang-at", f.debugHang.String())
	}
	if f.debugPanic > 0 {
		parts = append(parts, "--debug-panic-at", f.debugPanic.String())
	}
	return strings.Join(parts, " ")
}
