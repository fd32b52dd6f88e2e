package sim_test

import (
	"context"
	"testing"

	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// BenchmarkReadLatency runs the built-in read-latency scenario (3 servers and 1 client
// agent on constant 1ms links, 2ms fsync, closed-loop clients pinned to the leader, a
// follower and the client agent) and reports the virtual-time latency of PUT and of GET
// in each read mode, through each kind of agent: p50 and p99 in milliseconds, as metrics
// named OP-MODE-VIA-p50-ms. The figures are virtual time, so every iteration gives the
// same ones; wall time and speed-up are reported too. README, "Performance", explains
// them.
func BenchmarkReadLatency(b *testing.B) {
	spec := runspec.Spec{Scenario: builtin(b, "read-latency"), Seed: 1}
	r := sharedRunner(b)
	var last *sim.Result
	var virtual, wall float64
	for b.Loop() {
		res, err := r.Run(context.Background(), spec, sim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		last = res
		virtual += res.Virtual.Seconds()
		wall += res.Wall.Seconds()
	}
	b.ReportMetric(virtual/wall, "speedup")
	b.ReportMetric(wall/float64(b.N), "wall-s/run")
	wl := reports.NewSummary(last.Events, last.Stream, last.Wall).Workload
	if wl == nil || wl.HistoryError != "" || wl.Unknown > 0 {
		b.Fatalf("workload did not run cleanly: %+v", wl)
	}
	for _, row := range []struct{ op, mode string }{
		{event.OpGet, "default"}, {event.OpGet, "consistent"}, {event.OpGet, "stale"}, {event.OpPut, ""},
	} {
		for _, via := range []string{event.ViaRoleLeader, event.ViaRoleFollower, event.ViaRoleClient} {
			r, ok := wl.Row(row.op, row.mode, via)
			if !ok || r.P50MS == nil {
				b.Fatalf("no %s %s row via %s", row.op, row.mode, via)
			}
			name := row.op
			if row.mode != "" {
				name += "-" + row.mode
			}
			name += "-" + via
			b.ReportMetric(*r.P50MS, name+"-p50-ms")
			b.ReportMetric(*r.P99MS, name+"-p99-ms")
		}
	}
}
