package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/consim/consim/consimtest"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/scenarios/gen"
	"github.com/consim/consim/sim"
)

type huntFlags struct {
	bugs, faults      []string
	servers           string
	checks, parallel  int
	seed              seedFlag
	budget, shrink    time.Duration
	maxDuration, wall time.Duration
	out, junit        string
}

func newHuntCmd(stdout, stderr io.Writer) *cobra.Command {
	var f huntFlags
	cmd := &cobra.Command{
		Use:   "hunt",
		Short: "Search generated scenarios for a property that fails, and shrink the failure to a small scenario file",
		Long: `Run generated scenarios (a cluster shape, a workload, user events and a fault schedule
drawn from every fault kind, and from packages of faults that only together make the
situation a class of bug needs: a stalled leader cut off, a majority crashed at once, a
slow follower when the leader crashes, every server's power cut while its disk is slow)
and check the properties every correct run has:
consistent reads linearizable (default reads too when no fault is scheduled), no
acknowledged write lost, every user event delivered once to every
member owed it, no false failure with no fault in progress, and the cluster converging
once every fault is healed. The search is pgregory.net/rapid's.

On the first failure, the scenario is shrunk while it still fails the same expectations:
first by rapid's shrinker (a third of --shrink-time), then one change at a time on the
scenario itself (without a fault or package, shorter, fewer agents and servers, fewer
workload clients and keys, a lower rate, simpler faults), each smaller scenario on three
seeds. The smallest failure is written to --out with its seed,
and replayed once from that file to prove it fails on its own: consim run FILE replays it,
byte for byte. Progress goes to stderr, a line per run.

Exit codes as consim run: 0 every check held, 1 a property failed (the file says how),
2 bad flags, 3 a run the harness could not complete (the file reproduces that too).`,
		Example: `  consim hunt --checks 50
  consim hunt --bugs stale-as-consistent --parallel 2
  consim hunt --faults crash,pause,isolate-leader --servers 3-5 --time 10m`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return hunt(cmd.Context(), f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.bugs, "bugs", nil, "plant these bugs in every generated scenario ("+strings.Join(scenarios.Bugs, ", ")+")")
	fl.StringSliceVar(&f.faults, "faults", nil, "draw faults of these kinds only ("+strings.Join(gen.Kinds, ", ")+"; default all)")
	fl.StringVar(&f.servers, "servers", "3-7", "servers per scenario: N, or MIN-MAX")
	fl.IntVar(&f.checks, "checks", 100, "generated scenarios to run at most")
	fl.IntVar(&f.parallel, "parallel", runtime.NumCPU(), "workers searching at once, each on its own seed and about one core (one per core unless set)")
	fl.Var(&f.seed, "seed", "rapid's seed: the same seed (with --parallel 1) draws the same scenarios (default: a new one)")
	fl.DurationVar(&f.budget, "time", 0, "stop starting new scenarios after this much wall time (default: no limit)")
	fl.DurationVar(&f.shrink, "shrink-time", 20*time.Minute, "wall time allowed for shrinking a failure")
	fl.DurationVar(&f.maxDuration, "max-duration", 40*time.Second, "longest virtual duration of a generated scenario")
	fl.DurationVar(&f.wall, "wall-timeout", sim.DefaultWallTimeout, "stop a run that takes longer than this in wall time (a harness failure)")
	fl.StringVar(&f.out, "out", "out/hunt.yaml", "where to write the shrunk failing scenario")
	fl.StringVar(&f.junit, "junit", "", "also write the result as JUnit XML to this file, for CI (one test case per property)")
	cmd.RegisterFlagCompletionFunc("bugs", fixedCompletion(scenarios.Bugs))
	cmd.RegisterFlagCompletionFunc("faults", fixedCompletion(gen.Kinds))
	return cmd
}

// fixedCompletion completes a flag from a fixed list.
func fixedCompletion(list []string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return list, cobra.ShellCompDirectiveNoFileComp
	}
}

// options turns the flags into the hunt's options, or says which flag is wrong and what
// is allowed.
func (f huntFlags) options() (consimtest.HuntOptions, error) {
	o := consimtest.HuntOptions{Checks: f.checks, Parallel: f.parallel, Seed: uint64(f.seed), File: f.out,
		ShrinkTime: f.shrink, WallTimeout: f.wall,
		Gen: gen.Options{Bugs: f.bugs, Kinds: f.faults, MaxDuration: f.maxDuration}}
	switch {
	case f.checks < 1:
		return o, fmt.Errorf("--checks %d: want 1 or more", f.checks)
	case f.parallel < 1:
		return o, fmt.Errorf("--parallel %d: want 1 or more", f.parallel)
	case f.budget < 0:
		return o, fmt.Errorf("--time %s: want a positive duration", f.budget)
	case f.shrink <= 0:
		return o, fmt.Errorf("--shrink-time %s: want a positive duration", f.shrink)
	case f.wall <= 0:
		return o, fmt.Errorf("--wall-timeout %s: want a positive duration", f.wall)
	case f.out == "":
		return o, errors.New("--out: want a file name")
	}
	lo, hi, ok := strings.Cut(f.servers, "-")
	if !ok {
		hi = lo
	}
	min, err1 := strconv.Atoi(lo)
	max, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil {
		return o, fmt.Errorf("--servers %q: want a number (5) or a range (3-7)", f.servers)
	}
	o.Gen.MinServers, o.Gen.MaxServers = min, max
	if err := o.Gen.Check(); err != nil {
		return o, flagOf(err)
	}
	return o, nil
}

// flagOf names the flag behind a generator option's error.
func flagOf(err error) error {
	flags := map[string]string{"Bugs": "--bugs", "Kinds": "--faults", "Servers": "--servers", "MaxDuration": "--max-duration"}
	var oe *gen.OptionError
	if errors.As(err, &oe) && flags[oe.Field] != "" {
		return fmt.Errorf("%s: %w", flags[oe.Field], err)
	}
	return err
}

func hunt(ctx context.Context, f huntFlags, stdout, stderr io.Writer) error {
	o, err := f.options()
	if err != nil {
		return badInput(err)
	}
	start := time.Now()
	if o.Seed == 0 {
		// Drawn here rather than by rapid, so that it can be printed and given again.
		o.Seed = uint64(start.UnixNano()%1_000_000_000) + 1
	}
	fmt.Fprintf(stderr, "consim hunt: seed %d (--seed %d --parallel %d draws the same scenarios again)\n", o.Seed, o.Seed, o.Parallel)
	if f.budget > 0 {
		o.Deadline = start.Add(f.budget)
	}
	var mu sync.Mutex
	n, tries := 0, 0
	o.OnRun = func(r consimtest.HuntRun) {
		mu.Lock()
		defer mu.Unlock()
		what := "the harness could not complete the run"
		if r.Result != nil {
			sc := r.Result.Scenario
			what = fmt.Sprintf("%d servers, %d clients, %d fault(s), %s, seed %d", sc.Cluster.Servers, sc.Cluster.Clients, len(sc.Faults), sc.Duration, sc.Seed)
		}
		wall := time.Since(start).Seconds()
		switch {
		case r.Shrinking:
			tries++
			verdict := "still fails, kept"
			if r.Held {
				verdict = "passes, dropped"
			}
			fmt.Fprintf(stderr, "consim hunt: shrinking, try %d (%.0f s): %s: %s\n", tries, wall, verdict, what)
		case r.Held:
			n++
			fmt.Fprintf(stderr, "consim hunt: check %d of %d (%.0f s): held: %s\n", r.Check, o.Checks, wall, what)
		default:
			n++
			next := "another worker's failure is shrunk"
			if r.Found {
				next = "shrinking it"
			}
			fmt.Fprintf(stderr, "consim hunt: check %d of %d (%.0f s): FAILED: %s; %s\n", r.Check, o.Checks, wall, what, next)
		}
	}
	found, err := consimtest.Hunt(ctx, o)
	if err != nil {
		return err
	}
	wall := time.Since(start)
	if err := writeJUnit(f.junit, huntSuite(found, n, wall)); err != nil {
		return err
	}
	if found == nil {
		fmt.Fprintf(stdout, "hunt       every property held on %d generated scenario(s) in %.0f s\n", n, wall.Seconds())
		return nil
	}
	fmt.Fprintf(stdout, "hunt       a property failed at check %d; shrunk in %d run(s), %.0f s in all\n", found.Checks, found.Runs, wall.Seconds())
	fmt.Fprintf(stdout, "failure    %s\n", strings.ReplaceAll(strings.TrimSpace(found.Message), "\n", "\n           "))
	if r := found.Replay; r != nil {
		sc := r.Scenario
		fmt.Fprintf(stdout, "shrunk to  %d fault(s), %d servers, %d clients, %d workload clients, %s\n", len(sc.Faults), sc.Cluster.Servers, sc.Cluster.Clients, workloadClients(sc), sc.Duration)
	}
	fmt.Fprintf(stdout, "file       %s\nreproduce  consim run %s\n", found.File, found.File)
	switch {
	case found.ReplayErr != nil:
		return &exitError{code: exitHarness, err: fmt.Errorf("the shrunk scenario's run did not complete: %w\nreproduce: consim run %s", found.ReplayErr, found.File)}
	case len(found.Replay.Failed()) == 0:
		return &exitError{code: exitHarness, err: fmt.Errorf("the shrunk scenario in %s passed when replayed from the file: the failure did not replay (please report it)", found.File)}
	}
	return &exitError{code: exitExpected, err: fmt.Errorf("%w", found.Replay.Err())}
}

func workloadClients(sc *scenarios.Scenario) int {
	if sc.Workload == nil {
		return 0
	}
	return sc.Workload.Clients
}

// huntSuite is a hunt as one JUnit suite: a case per property, failed when the shrunk
// scenario fails it, with the file and its replay command; an errored case when the
// harness could not complete the shrunk scenario's run.
func huntSuite(found *consimtest.Finding, runs int, wall time.Duration) reports.JUnitSuite {
	s := reports.JUnitSuite{Name: "consim hunt", Seconds: wall.Seconds(), Properties: [][2]string{{"runs", fmt.Sprint(runs)}}}
	failed := map[string]string{}
	if found != nil {
		s.Properties = append(s.Properties, [2]string{"failing_scenario", found.File}, [2]string{"found_at_check", fmt.Sprint(found.Checks)})
		if found.Replay != nil {
			for _, x := range found.Replay.Failed() {
				failed[x.Name] = x.Detail
			}
		}
	}
	replay := ""
	if found != nil {
		replay = fmt.Sprintf("\nthe shrunk scenario: %s\nreproduce: consim run %s", found.File, found.File)
	}
	for _, p := range gen.Properties {
		c := reports.JUnitCase{Name: p, Class: "hunt"}
		if d, ok := failed[p]; ok {
			c.Failure, c.Text = d, d+replay
		}
		s.Cases = append(s.Cases, c)
	}
	if found != nil && found.ReplayErr != nil {
		s.Cases = append(s.Cases, reports.JUnitCase{Name: "run", Class: "hunt", Error: "the harness could not complete the shrunk scenario's run",
			Text: found.ReplayErr.Error() + replay})
	}
	return s
}
