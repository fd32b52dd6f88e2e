package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// benchRun runs spec b.N times and reports the speed-up (virtual seconds per wall second)
// and wall seconds per run. Guest wall time only: process start and compilation are
// measured by BenchmarkStartup.
func benchRun(b *testing.B, spec runspec.Spec) {
	r := sharedRunner(b)
	var virtual, wall time.Duration
	for b.Loop() {
		res, err := r.Run(context.Background(), spec, sim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		virtual += res.Virtual
		wall += res.Wall
	}
	b.ReportMetric(virtual.Seconds()/wall.Seconds(), "speedup")
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s/run")
}

// The built-in baseline: 5 servers, 3 clients, 60 virtual seconds.
func BenchmarkBaseline(b *testing.B) {
	benchRun(b, runspec.Spec{Scenario: builtin(b, "baseline"), Seed: 1})
}

// The same cluster idle for 600 virtual seconds.
func BenchmarkIdle600(b *testing.B) {
	sc := builtin(b, "baseline")
	sc.Duration = scenarios.Duration(600 * time.Second)
	benchRun(b, runspec.Spec{Scenario: sc, Seed: 1})
}

// Gossip only: one server and seven clients, to separate memberlist's cost from raft's.
func BenchmarkGossipOnly(b *testing.B) {
	sc := builtin(b, "baseline")
	sc.Cluster.Servers, sc.Cluster.Clients = 1, 7
	benchRun(b, runspec.Spec{Scenario: sc, Seed: 1})
}

// Start-up with a warm cache: hash the source, find the cached guest, start a worker,
// load the compiled module from wazero's cache, and run the shortest scenario allowed
// (one server, one virtual second).
func BenchmarkStartup(b *testing.B) {
	sc := builtin(b, "baseline")
	sc.Cluster.Servers, sc.Cluster.Clients = 1, 0
	sc.Duration = scenarios.Duration(time.Second)
	spec := runspec.Spec{Scenario: sc, Seed: 1}
	ctx := context.Background()
	for b.Loop() {
		g, err := sim.BuildGuest(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		r, err := sim.NewRunner(ctx, g)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Run(ctx, spec, sim.Options{}); err != nil {
			b.Fatal(err)
		}
		r.Close(ctx)
	}
}
