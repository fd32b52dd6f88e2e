package native_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/internal/testutil"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/native"
	"github.com/consim/consim/sim/runspec"
)

var (
	nativeOnce   sync.Once
	nativeRunner *sim.Runner
	nativeErr    error
)

// The engine's tests live here, beside the overlay, rather than in sim: sim's own tests
// are the longest package of make test, and these build and run the native world, so they
// run alongside them.

// sharedNative builds the native engine's world once for the whole test binary (skipped
// with -short: the first build compiles Go's runtime and every package of the world
// again, with the overlay). It skips on a Go release the overlay was not made for: the
// engine refuses to build there (a SetupError), which TestNativeRefusesOtherGo covers.
func sharedNative(t testing.TB) *sim.Runner {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the native engine's world; skipped with -short")
	}
	if v := runtimeGoVersion(t); v != native.GoVersion {
		t.Skipf("the native engine is made for %s; this Go is %s", native.GoVersion, v)
	}
	nativeOnce.Do(func() {
		ctx := context.Background()
		g, err := sim.BuildNative(ctx, os.Stderr)
		if err != nil {
			nativeErr = err
			return
		}
		nativeRunner, nativeErr = sim.NewRunner(ctx, g)
	})
	if nativeErr != nil {
		t.Fatalf("native world: %v", nativeErr)
	}
	return nativeRunner
}

func runtimeGoVersion(t testing.TB) string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// nativeReplays runs spec n times on the native engine and returns the distinct stream
// hashes, each with how many runs gave it, and the first result. When keep is not empty
// and the runs disagree, the first stream of each hash goes there, to diff.
func nativeReplays(t *testing.T, spec runspec.Spec, n int, keep string) (map[string]int, *sim.Result) {
	t.Helper()
	r := sharedNative(t)
	hashes := map[string]int{}
	streams := map[string][]byte{}
	var first *sim.Result
	for range n {
		res, err := r.Run(context.Background(), spec, sim.Options{})
		if err != nil {
			t.Fatalf("%s seed %d natively: %v", spec.Scenario.Name, spec.Seed, err)
		}
		h := res.StreamHash()
		if hashes[h]++; hashes[h] == 1 && keep != "" {
			streams[h] = res.Stream
		}
		if first == nil {
			first = res
		}
	}
	if len(hashes) > 1 && keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatal(err)
		}
		for h, b := range streams {
			path := filepath.Join(keep, fmt.Sprintf("%s-seed-%d-%.12s.jsonl", spec.Scenario.Name, spec.Seed, h))
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("kept %s", path)
		}
	}
	return hashes, first
}

// The native engine replays byte for byte: a few built-ins, each run three times, give
// one stream each, and another seed another stream. (The full matrix: make native-matrix.)
func TestNativeReplays(t *testing.T) {
	cases := []struct {
		name string
		seed uint64
	}{{"baseline", 1}, {"lease-window", 1}, {"crash-restart", 2}}
	var baseline string
	for _, c := range cases {
		spec := runspec.Spec{Scenario: testutil.Scenario(t, c.name), Seed: c.seed}
		hashes, res := nativeReplays(t, spec, 3, "")
		if len(hashes) != 1 {
			t.Errorf("%s seed %d: 3 native runs gave %d different streams: %v", c.name, c.seed, len(hashes), hashes)
		}
		head, end := res.Events[0], res.Events[len(res.Events)-1]
		if head.Engine != sim.EngineNative || !strings.HasPrefix(head.Build, "native-") {
			t.Errorf("%s: the header does not name the native engine: %+v", c.name, head)
		}
		if end.Type != event.RunEnd || end.T.D() < spec.Scenario.Duration.D() {
			t.Errorf("%s: stream ends with %+v", c.name, end)
		}
		if c.name == "baseline" {
			baseline = res.StreamHash()
		}
	}
	hashes, _ := nativeReplays(t, runspec.Spec{Scenario: testutil.Scenario(t, "baseline"), Seed: 2}, 1, "")
	if hashes[baseline] > 0 {
		t.Error("baseline seeds 1 and 2 gave the same native stream: the seed does not reach the world")
	}
}

var stressLine = regexp.MustCompile(`stress: hash ([0-9a-f]{64}) lines (\d+) gcs (\d+)`)

// stress runs the native world's stress test (nativeworld's TestStress) once, with the
// runtime fixes named in off switched off, and returns its hash and how many collections
// ran.
func stress(t *testing.T, off string, outside bool) (hash string, gcs int) {
	t.Helper()
	cmd := exec.Command(sharedNative(t).Guest().Path, "-test.run=^TestStress$")
	cmd.Env = []string{"CONSIM_NATIVE_STRESS=1", "GOMAXPROCS=1", "GOGC=off", "TZ=UTC", "CONSIM_NATIVE_OFF=" + off}
	if outside {
		cmd.Env = append(cmd.Env, "CONSIM_NATIVE_STRESS_OUTSIDE=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stress test (off=%q): %v\n%s%s", off, err, out, stderr.String())
	}
	m := stressLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("stress test printed no hash: %s", out)
	}
	gcs, _ = strconv.Atoi(string(m[3]))
	return string(m[1]), gcs
}

// Many goroutines, selects, maps, same-instant timers, a contended mutex, a pool, long
// system calls and enough allocation for several collections replay identically natively,
// also while a goroutine outside the bubble draws random numbers at moments of wall time;
// with the bubble's own random state, or with a goroutine of the bubble keeping its P
// through a system call, switched off, they do not, which shows the test sees each
// divergence when there is one.
func TestNativeStress(t *testing.T) {
	// The rand control needs something outside the bubble to draw from the per-thread
	// state at moments of wall time: since sysmon preempts nothing and the memory profiler
	// samples nothing (edits 1 and 18), little else does (without the outside goroutine,
	// 2 hashes in 6 runs, and once 40 runs that all agreed). With it, 6 hashes in 6 runs,
	// as for the syscall control; 40 runs is the margin.
	const maxControlRuns = 40
	want, gcs := stress(t, "", false)
	if gcs < 2 {
		t.Errorf("the stress test ran %d collections, want several: it no longer tests collecting at idle moments", gcs)
	}
	for i := range 3 {
		if got, _ := stress(t, "", true); got != want {
			t.Fatalf("stress run %d, with a goroutine outside the bubble drawing random numbers, gave hash %.12s; run 0, without, %.12s", i+1, got, want)
		}
	}
	for _, c := range []struct {
		off, fix string
		outside  bool
	}{
		{"rand", "the bubble's random state", true},
		{"syscall", "a goroutine of the bubble keeping its P through a system call", false},
	} {
		// Whether a run diverges is up to the host's threads, so a control may need a
		// few runs to show a second stream: up to maxControlRuns, stopping at the first
		// that differs.
		seen := map[string]bool{}
		for range maxControlRuns {
			h, _ := stress(t, c.off, c.outside)
			if seen[h] = true; len(seen) > 1 {
				break
			}
		}
		if len(seen) < 2 {
			t.Errorf("with %s switched off (%s), %d stress runs agreed: the stress test cannot see that divergence", c.fix, c.off, maxControlRuns)
		}
	}
}

var threadsLine = regexp.MustCompile(`threads: before (\d+) after (\d+) ran-during-call (true|false)`)

// The native world's process starts no thread of its own before the world runs: the main
// thread and sysmon's, even after a system call made while another goroutine was
// runnable, which keeps its P. A thread started then (stock: runtime.main handing its P
// over during package initialisation, sysmon taking the P of a system call) allocates its
// M on the heap at a moment of wall time, and moves the address of everything the world
// allocates after it.
func TestNativeThreads(t *testing.T) {
	path := sharedNative(t).Guest().Path
	for i := range 3 {
		cmd := exec.Command(path, "-test.run=^TestThreads$")
		cmd.Env = []string{"CONSIM_NATIVE_THREADS=1", "GOMAXPROCS=1", "GOGC=off", "TZ=UTC"}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("threads test: %v\n%s", err, out)
		}
		m := threadsLine.FindSubmatch(out)
		if m == nil {
			t.Fatalf("threads test printed no count: %s", out)
		}
		before, _ := strconv.Atoi(string(m[1]))
		after, _ := strconv.Atoi(string(m[2]))
		if before != 2 {
			t.Errorf("run %d: %d threads when the test started, want 2 (main, sysmon): initialisation started one (edits 14 and 15)", i+1, before)
		}
		if after != before || string(m[3]) == "true" {
			t.Errorf("run %d: a system call with another goroutine runnable lost its P (to %d new thread(s); the other goroutine ran during the call: %s) (edit 4, consimKeepP)",
				i+1, after-before, m[3])
		}
	}
}

// A world that panics is a crash, with the panic message; one that never yields is
// stopped at the wall-time limit.
func TestNativeHarnessFailures(t *testing.T) {
	r := sharedNative(t)
	sc := testutil.Scenario(t, "baseline")
	spec := runspec.Spec{Scenario: sc, Seed: 1, Debug: runspec.Debug{PanicAt: scenarios.Duration(time.Second)}}
	_, err := r.Run(context.Background(), spec, sim.Options{})
	var he *sim.HarnessError
	if !errors.As(err, &he) || he.Kind != "crash" || he.ExitCode != 2 || !strings.Contains(he.Output, "debug panic_at 1s reached") {
		t.Errorf("panic: want a crash with exit code 2 and the panic, got %v", err)
	}
	spec = runspec.Spec{Scenario: sc, Seed: 1, Debug: runspec.Debug{HangAt: scenarios.Duration(2 * time.Second)}}
	_, err = r.Run(context.Background(), spec, sim.Options{WallTimeout: 3 * time.Second})
	if !errors.As(err, &he) || he.Kind != "wall-time limit" {
		t.Errorf("busy loop: want a wall-time limit harness error, got %v", err)
	}
}

// make native-matrix: every built-in (or those in CONSIM_NATIVE_MATRIX_SCENARIOS, comma-
// separated), seeds 1..CONSIM_NATIVE_MATRIX_SEEDS, each run CONSIM_NATIVE_MATRIX_RUNS times
// (default 10) natively: one stream per scenario and seed. The streams of a scenario and
// seed that gave several go to CONSIM_NATIVE_MATRIX_KEEP, when set.
func TestNativeMatrix(t *testing.T) {
	seeds, _ := strconv.Atoi(os.Getenv("CONSIM_NATIVE_MATRIX_SEEDS"))
	if seeds == 0 {
		t.Skip("the full native determinism matrix: make native-matrix")
	}
	runs, _ := strconv.Atoi(os.Getenv("CONSIM_NATIVE_MATRIX_RUNS"))
	if runs == 0 {
		runs = 10
	}
	names := scenarios.Builtins()
	if only := os.Getenv("CONSIM_NATIVE_MATRIX_SCENARIOS"); only != "" {
		names = strings.Split(only, ",")
	}
	divergent := 0
	for _, name := range names {
		for seed := 1; seed <= seeds; seed++ {
			hashes, _ := nativeReplays(t, runspec.Spec{Scenario: testutil.Scenario(t, name), Seed: uint64(seed)}, runs,
				os.Getenv("CONSIM_NATIVE_MATRIX_KEEP"))
			line := fmt.Sprintf("%-20s seed %-3d %d runs: %d stream(s)", name, seed, runs, len(hashes))
			if len(hashes) != 1 {
				divergent++
				t.Errorf("%s: %v", line, hashes)
			} else {
				t.Log(line)
			}
		}
	}
	t.Logf("%d scenario-seed pairs diverged", divergent)
}

// A Go release the overlay was not made for is refused before anything is built, with a
// SetupError (exit 2) that says what to do.
func TestNativeRefusesOtherGo(t *testing.T) {
	dir := t.TempDir()
	fake := "#!/bin/sh\nif [ \"$1 $2\" = \"env GOVERSION\" ]; then echo go1.27.0; exit 0; fi\nexec " + goPath(t) + " \"$@\"\n"
	if err := os.WriteFile(dir+"/go", []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	t.Setenv("CONSIM_CACHE", t.TempDir())
	_, err := sim.BuildNative(context.Background(), nil)
	var se *sim.SetupError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "made for "+native.GoVersion) ||
		!strings.Contains(err.Error(), "go1.27.0") || !strings.Contains(err.Error(), "--engine wasm") {
		t.Fatalf("want a SetupError naming both versions and --engine wasm, got %v", err)
	}
}

func goPath(t *testing.T) string {
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	return p
}
