package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/consim/consim/sim"
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
