package sim_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/native"
	"github.com/consim/consim/sim/runspec"
)

// BenchmarkWasmOverhead runs the same world in the wasm engine and natively (the native
// engine's world: a testing/synctest bubble, GOMAXPROCS=1, sim/nativeworld), one after the
// other in each iteration, and reports both engines' wall time per run and their ratio,
// wasm/native: what running the guest as wasm costs, tracked as a number. The wasm time is
// the guest's execution in a warm worker; the native time is its whole process (start-up
// included, a few milliseconds). A world the native engine cannot replay exactly still
// measures its speed: determinism is not what is measured here. Skipped where the native
// engine cannot build (another Go release than its runtime overlay's).
func BenchmarkWasmOverhead(b *testing.B) {
	idle := builtin(b, "baseline") // 5 servers + 3 clients, idle, 60 s
	workload := builtin(b, "read-latency")
	worlds := []struct {
		name string
		spec runspec.Spec
	}{
		{"baseline", runspec.Spec{Scenario: idle, Seed: 1}},
		{"read-latency", runspec.Spec{Scenario: workload, Seed: workload.Seed}},
	}
	for _, w := range worlds {
		b.Run(w.name, func(b *testing.B) {
			wasm, nat := sharedRunner(b), builtNative(b)
			var wasmWall, natWall, virtual time.Duration
			for b.Loop() {
				rw, err := wasm.Run(context.Background(), w.spec, sim.Options{})
				if err != nil {
					b.Fatalf("wasm: %v", err)
				}
				rn, err := nat.Run(context.Background(), w.spec, sim.Options{})
				if err != nil {
					b.Fatalf("native: %v", err)
				}
				wasmWall += rw.Wall
				natWall += rn.Wall
				virtual += rw.Virtual
			}
			n := float64(b.N)
			b.ReportMetric(wasmWall.Seconds()/n, "wasm-s/run")
			b.ReportMetric(natWall.Seconds()/n, "native-s/run")
			b.ReportMetric(virtual.Seconds()/wasmWall.Seconds(), "wasm-speedup")
			b.ReportMetric(virtual.Seconds()/natWall.Seconds(), "native-speedup")
			b.ReportMetric(wasmWall.Seconds()/natWall.Seconds(), "wasm/native")
		})
	}
}

var (
	benchNativeOnce   sync.Once
	benchNativeRunner *sim.Runner
	benchNativeErr    error
)

// builtNative is the native engine's world, built once, as a reference for the benchmark
// (the engine's own tests, and their shared runner, are in sim/native). It skips on a Go
// release the overlay was not made for.
func builtNative(b testing.TB) *sim.Runner {
	b.Helper()
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if v := strings.TrimSpace(string(out)); err != nil || v != native.GoVersion {
		b.Skipf("the native engine is made for %s; this Go is %q (%v)", native.GoVersion, v, err)
	}
	benchNativeOnce.Do(func() {
		ctx := context.Background()
		g, err := sim.BuildNative(ctx, os.Stderr)
		if err != nil {
			benchNativeErr = err
			return
		}
		benchNativeRunner, benchNativeErr = sim.NewRunner(ctx, g)
	})
	if benchNativeErr != nil {
		b.Fatalf("native world: %v", benchNativeErr)
	}
	return benchNativeRunner
}
