package sim_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/internal/testutil"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

var (
	runnerOnce sync.Once
	runner     *sim.Runner
	runnerErr  error
)

// sharedRunner builds and compiles the guest once for the whole test binary.
func sharedRunner(t testing.TB) *sim.Runner {
	t.Helper()
	runnerOnce.Do(func() {
		ctx := context.Background()
		g, err := sim.BuildGuest(ctx, os.Stderr)
		if err != nil {
			runnerErr = err
			return
		}
		runner, runnerErr = sim.NewRunner(ctx, g)
	})
	if runnerErr != nil {
		t.Fatalf("guest: %v", runnerErr)
	}
	return runner
}

// builtin loads a built-in scenario or a scenario file.
var builtin = testutil.Scenario

func runSpec(t testing.TB, spec runspec.Spec, opts sim.Options) *sim.Result {
	t.Helper()
	res, err := sharedRunner(t).Run(context.Background(), spec, opts)
	if err != nil {
		t.Fatalf("run %s seed %d: %v", spec.Scenario.Name, spec.Seed, err)
	}
	return res
}

// The same scenario and seed must give the same stream, byte for byte.
func TestSameSeedSameStream(t *testing.T) {
	sc := builtin(t, "baseline")
	a := runSpec(t, runspec.Spec{Scenario: sc, Seed: 1}, sim.Options{})
	b := runSpec(t, runspec.Spec{Scenario: sc, Seed: 1}, sim.Options{})
	if !bytes.Equal(a.Stream, b.Stream) {
		t.Fatalf("seed 1 twice gave different streams (%d vs %d bytes); first difference at line %d",
			len(a.Stream), len(b.Stream), firstDiffLine(a.Stream, b.Stream))
	}
	if len(a.Events) < 100 {
		t.Fatalf("stream too short to mean anything: %d events", len(a.Events))
	}
}

// A different seed must give a different run.
func TestDifferentSeedDifferentStream(t *testing.T) {
	sc := builtin(t, "baseline")
	a := runSpec(t, runspec.Spec{Scenario: sc, Seed: 1}, sim.Options{})
	b := runSpec(t, runspec.Spec{Scenario: sc, Seed: 2}, sim.Options{})
	if a.StreamHash() == b.StreamHash() {
		t.Fatal("seeds 1 and 2 gave identical streams: the seed does not reach the world")
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

// The baseline cluster elects one leader, every member sees every other alive, and the
// stream is framed by its header and end.
func TestBaselineElectsAndConverges(t *testing.T) {
	sc := builtin(t, "baseline")
	res := runSpec(t, runspec.Spec{Scenario: sc, Seed: 1}, sim.Options{})
	head, end := res.Events[0], res.Events[len(res.Events)-1]
	if head.Type != event.RunStart || head.Scenario != "baseline" || head.Seed != 1 || head.Build == "" || head.Version != sim.Version {
		t.Errorf("bad header: %+v", head)
	}
	if end.Type != event.RunEnd || end.T.D() != sc.Duration.D() {
		t.Errorf("bad end: %+v (want run_end at %s)", end, sc.Duration)
	}
	if len(end.Leaders) != 1 {
		t.Errorf("want exactly one leader at the end, got %v", end.Leaders)
	}
	n := sc.Cluster.Servers + sc.Cluster.Clients
	alive := map[string]map[string]bool{}
	for _, ev := range res.Events {
		if ev.Type == event.Member && ev.Status == event.StatusAlive {
			if alive[ev.Node] == nil {
				alive[ev.Node] = map[string]bool{}
			}
			alive[ev.Node][ev.Member] = true
		}
	}
	if len(alive) != n {
		t.Fatalf("%d nodes reported members, want %d", len(alive), n)
	}
	for node, seen := range alive {
		if len(seen) != n {
			t.Errorf("%s saw %d members alive, want %d", node, len(seen), n)
		}
	}
	if end.Net == nil || end.Net.PacketsDelivered == 0 || end.Net.StreamBytes == 0 {
		t.Errorf("network counters missing or zero: %+v", end.Net)
	}
}

// A guest that never yields is stopped by the wall-time limit and reported as a hang.
func TestWallTimeLimitStopsHungGuest(t *testing.T) {
	sc := builtin(t, "baseline")
	spec := runspec.Spec{Scenario: sc, Seed: 1, Debug: runspec.Debug{HangAt: scenarios.Duration(2 * time.Second)}}
	_, err := sharedRunner(t).Run(context.Background(), spec, sim.Options{WallTimeout: 8 * time.Second}) // room to reach the hang on a loaded machine: stalled at least 2 s
	var he *sim.HarnessError
	if !errors.As(err, &he) || he.Kind != "hang" {
		t.Fatalf("want a hang harness error, got %v", err)
	}
	if he.Virtual != 2*time.Second {
		t.Errorf("hang reported at virtual %s, want 2s", he.Virtual)
	}
}

// A guest that panics is reported as a crash with its panic message.
func TestGuestPanicIsReported(t *testing.T) {
	sc := builtin(t, "baseline")
	spec := runspec.Spec{Scenario: sc, Seed: 1, Debug: runspec.Debug{PanicAt: scenarios.Duration(time.Second)}}
	_, err := sharedRunner(t).Run(context.Background(), spec, sim.Options{})
	var he *sim.HarnessError
	if !errors.As(err, &he) || he.Kind != "crash" {
		t.Fatalf("want a crash harness error, got %v", err)
	}
	if he.ExitCode != 2 || !strings.Contains(he.Output, "debug panic_at 1s reached") {
		t.Errorf("crash report lacks the exit code or the panic: code %d, output %q", he.ExitCode, he.Output)
	}
}

func TestMain(m *testing.M) {
	sim.Main()
	os.Exit(m.Run())
}

// Runs that execute at the same time (sweeps) must not disturb each other: three
// concurrent runs of one seed give one stream.
func TestConcurrentRunsAgree(t *testing.T) {
	sc := builtin(t, "baseline")
	sc.Duration = scenarios.Duration(10 * time.Second)
	r := sharedRunner(t)
	results := make([]*sim.Result, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			results[i], errs[i] = r.Run(context.Background(), runspec.Spec{Scenario: sc, Seed: 5}, sim.Options{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	for i := 1; i < len(results); i++ {
		if results[i].StreamHash() != results[0].StreamHash() {
			t.Errorf("concurrent run %d differs from run 0 at line %d", i, firstDiffLine(results[0].Stream, results[i].Stream))
		}
	}
}

// A scenario's name, description, expectations, comments and key order are labels: the
// same scenario under other labels gives the same stream, byte for byte, but for the
// header that names it. (The guest is not given them: before, a renamed copy of a
// built-in diverged after a few seconds, its garbage collector running at other moments.)
func TestRunIgnoresLabels(t *testing.T) {
	a := builtin(t, "testdata/bugs/leader-crash.yaml")
	b := a
	b.Name, b.Description = "lc", "the same scenario, renamed and described otherwise"
	b.Expect = &scenarios.Expect{Default: "linearizable", CheckTimeout: scenarios.Duration(time.Minute)}
	var ra, rb *sim.Result
	var wg sync.WaitGroup
	wg.Go(func() { ra = runSpec(t, runspec.Spec{Scenario: a, Seed: 2}, sim.Options{}) })
	wg.Go(func() { rb = runSpec(t, runspec.Spec{Scenario: b, Seed: 2}, sim.Options{}) })
	wg.Wait()
	_, bodyA, _ := bytes.Cut(ra.Stream, []byte("\n"))
	headB, bodyB, _ := bytes.Cut(rb.Stream, []byte("\n"))
	if !bytes.Equal(bodyA, bodyB) {
		t.Errorf("renaming the scenario changed the run (%d and %d bytes after the header)", len(bodyA), len(bodyB))
	}
	if !bytes.Contains(headB, []byte(`"scenario":"lc"`)) {
		t.Errorf("the header does not name the renamed scenario: %s", headB)
	}
	if ra.Events[0].Scenario != "leader-crash" || len(ra.Events) < 1000 {
		t.Errorf("header %+v, %d events", ra.Events[0], len(ra.Events))
	}
}
