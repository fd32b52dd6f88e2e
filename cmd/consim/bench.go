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
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
)

type benchFlags struct {
	matrix                               string
	modes, paths, ops, rates, conditions []string
	seeds                                []string
	parallel                             int
	out, compare                         string
	wallTimeout                          time.Duration
	printMatrix                          bool
}

func newBenchCmd(stdout, stderr io.Writer) *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "bench [SCENARIO]",
		Short: "Measure GET/PUT latency per read mode, path and operation over a matrix of conditions and offered rates",
		Long: `Run a scenario with a workload (default: the built-in bench) over a matrix, in virtual time:
read mode (default, consistent, stale) x path (the leader, a follower, a client agent) x
operation (get, put, cas) x condition (links, fsync, a fault, a server CPU) x offered rate,
over one or more seeds. Each condition, rate and seed is one run of the scenario, with its
workload rewritten: one open-loop client per path, the offered rate shared among them.

The default matrix is printed by --print-matrix; --matrix FILE writes its fields over it,
and the flags below override both (docs/bench.md).

Writes to --out:
  report.md    tables: count, mean, p50, p90, p99, p99.9, max per cell; the price of a
               consistent read over a default one, in round trips; latency versus rate
  report.json  the same figures as numbers (docs/bench.md)
  report.html  plots: latency per mode and path, latency and throughput versus rate
  runs/NAME/   each run's events.jsonl, summary.json and scenario.yaml (consim check
               re-derives the summary; consim run runs/NAME/scenario.yaml replays it)

The reports hold no wall time: the same flags, seeds and build give the same bytes,
however many runs go at once. --compare OLD.json prints, cell by cell, how the figures
moved since an earlier report.json.`,
		Example: `  consim bench                                   # the default matrix on the built-in bench
  consim bench --conditions lan,wan --rates 50/s --seeds 1-3
  consim bench --conditions cpu --rates 25/s,50/s,100/s,150/s,200/s,300/s
  consim bench --print-matrix > matrix.yaml; consim bench --matrix matrix.yaml
  consim bench --conditions fsync-10ms --out out/after --compare out/before/report.json`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.printMatrix {
				stdout.Write(bench.DefaultMatrixFile())
				return nil
			}
			name := "bench"
			if len(args) == 1 {
				name = args[0]
			}
			return runBench(cmd.Context(), name, f, cmd, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.matrix, "matrix", "", "a matrix file whose fields replace the default matrix's (docs/bench.md)")
	fl.StringSliceVar(&f.modes, "modes", nil, "read modes of gets ("+strings.Join(scenarios.ReadModes, ", ")+")")
	fl.StringSliceVar(&f.paths, "paths", nil, "paths into the cluster ("+strings.Join(bench.AllPaths, ", ")+")")
	fl.StringSliceVar(&f.ops, "ops", nil, "operations ("+strings.Join(bench.AllOps, ", ")+")")
	fl.StringSliceVar(&f.rates, "rates", nil, "offered rates, all clients together (25/s,100/s)")
	fl.StringSliceVar(&f.seeds, "seeds", nil, "run seeds: numbers and ranges (1,2 or 1-5)")
	fl.StringSliceVar(&f.conditions, "conditions", nil, "conditions to run, by name, from the matrix (default: all of them)")
	fl.IntVar(&f.parallel, "parallel", runtime.NumCPU(), "runs at once (each uses about one core); the reports do not depend on it")
	fl.StringVar(&f.out, "out", "", "output directory (default: out/bench-SCENARIO)")
	fl.StringVar(&f.compare, "compare", "", "an earlier report.json: print how each cell moved since")
	fl.DurationVar(&f.wallTimeout, "wall-timeout", sim.DefaultWallTimeout, "stop a run that takes longer than this in wall time (harness failure, exit 3)")
	fl.BoolVar(&f.printMatrix, "print-matrix", false, "print the default matrix file, with its comments, and exit")
	cmd.RegisterFlagCompletionFunc("modes", fixedCompletion(scenarios.ReadModes))
	cmd.RegisterFlagCompletionFunc("paths", fixedCompletion(bench.AllPaths))
	cmd.RegisterFlagCompletionFunc("ops", fixedCompletion(bench.AllOps))
	return cmd
}

// benchMatrix is the matrix the flags ask for: the default one, the --matrix file over
// it, the flags over both; checked.
func benchMatrix(f benchFlags, cmd *cobra.Command) (*bench.Matrix, *bench.Source, error) {
	m, src, err := bench.LoadMatrix(f.matrix)
	if err != nil {
		return nil, nil, err
	}
	changed := cmd.Flags().Changed
	for _, l := range []struct {
		flag string
		dst  *[]string
		val  []string
	}{{"modes", &m.Modes, f.modes}, {"paths", &m.Paths, f.paths}, {"ops", &m.Ops, f.ops}} {
		if changed(l.flag) {
			*l.dst = l.val
			src.SetByFlag(l.flag)
		}
	}
	if changed("rates") {
		if m.Rates, err = bench.ParseRates(f.rates); err != nil {
			return nil, nil, fmt.Errorf("--rates: %w", err)
		}
		src.SetByFlag("rates")
	}
	if changed("seeds") {
		if m.Seeds, err = bench.ParseSeeds(f.seeds); err != nil {
			return nil, nil, fmt.Errorf("--seeds: %w", err)
		}
		src.SetByFlag("seeds")
	}
	if changed("conditions") {
		if err := m.SelectConditions(f.conditions); err != nil {
			return nil, nil, err
		}
	}
	if err := bench.Check(m, src); err != nil {
		return nil, nil, err
	}
	return m, src, nil
}

func runBench(ctx context.Context, name string, f benchFlags, cmd *cobra.Command, stdout, stderr io.Writer) error {
	if f.parallel < 1 {
		return badInput(fmt.Errorf("--parallel %d: want 1 or more", f.parallel))
	}
	if f.wallTimeout <= 0 {
		return badInput(fmt.Errorf("--wall-timeout %s: want a positive duration", f.wallTimeout))
	}
	var old *bench.Report
	if f.compare != "" {
		data, err := os.ReadFile(f.compare)
		if err != nil {
			return badInput(fmt.Errorf("--compare: %w", err))
		}
		if old, err = bench.ReadReport(f.compare, data); err != nil {
			return badInput(fmt.Errorf("--compare: %w", err))
		}
	}
	m, src, err := benchMatrix(f, cmd)
	if err != nil {
		return benchInput(err)
	}
	sc, _, err := scenarios.Load(name)
	if err != nil {
		return badInput(err)
	}
	runs, err := bench.Plan(sc, m, src)
	if err != nil {
		return benchInput(err)
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", "bench-"+sc.Name)
	}
	if err := bench.ClaimDir(dir); err != nil {
		return badInput(fmt.Errorf("--out: %w", err))
	}
	start := time.Now()
	fmt.Fprintf(stderr, "consim bench: %s, %d %s (%d x %d x %d: conditions, rates, seeds), %d at once\n",
		sc.Name, len(runs), plural(len(runs), "run", "runs"), len(m.Conditions), len(m.Rates), len(m.Seeds), f.parallel)
	var mu sync.Mutex
	results, err := bench.Execute(ctx, runs, m, bench.Options{Dir: dir, Parallel: f.parallel, WallTimeout: f.wallTimeout,
		Progress: func(p bench.Progress) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(stderr, "consim bench: run %d of %d (%.0f s): %s: %d requests in %.1f s\n",
				p.Done, p.Total, time.Since(start).Seconds(), p.Run.Name, p.Requests, p.Wall.Seconds())
		}})
	if err != nil {
		var se *sim.SetupError
		if errors.As(err, &se) {
			return badInput(err)
		}
		var he *sim.HarnessError
		if errors.As(err, &he) {
			return &exitError{code: exitHarness, err: err}
		}
		return err
	}
	report := bench.NewReport(sc, m, results)
	page, err := report.HTML()
	if err != nil {
		return err
	}
	for _, file := range []struct {
		name string
		data []byte
	}{{bench.MarkdownFile, report.Markdown()}, {bench.JSONFile, report.JSON()}, {bench.HTMLFile, page}} {
		if err := consimtest.WriteFile(filepath.Join(dir, file.name), file.data); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	report.WriteSummary(stdout)
	fmt.Fprintf(stdout, "wall       %.0f s, %d at once (not in the reports)\n", time.Since(start).Seconds(), f.parallel)
	fmt.Fprintf(stdout, "report     %s (and report.json, report.html, runs/)\n", filepath.Join(dir, bench.MarkdownFile))
	if old != nil {
		fmt.Fprintln(stdout)
		bench.Compare(stdout, f.compare, old, report)
	}
	return nil
}

// benchInput is a problem with the matrix or the scenario as the bench runs it: a list of
// problems prints one a line, each placed in its file or named by its flag.
func benchInput(err error) error {
	var list *scenarios.ErrorList
	if errors.As(err, &list) {
		n := len(list.Errs)
		return badInput(fmt.Errorf("%d %s in the benchmark:\n%s", n, plural(n, "problem", "problems"), list.Error()))
	}
	return badInput(err)
}
