package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// settledAt is when gossip-100's join storm has settled: its first event is fired then.
const settledAt = 10 * time.Second

// BenchmarkGossip100 runs the built-in gossip-100 (3 servers and 97 clients on a LAN, ten
// user events, one failure, a query) and reports the virtual-time delivery latency of its
// user events (p50, p99, max in milliseconds: the same every iteration) and the speed-up,
// virtual seconds per wall second: of the whole run, and of the part after the join
// storm (100 nodes joining make memberlist gossip every node's arrival to every node,
// which costs most of the run's wall time; the speed-up after it is what a longer
// 100-node run approaches). That one is timed by the arrival of the tick at settledAt and
// of run_end from the guest, which flushes its output every 100 ms.
func BenchmarkGossip100(b *testing.B) {
	spec := runspec.Spec{Scenario: builtin(b, "gossip-100"), Seed: 1}
	r := sharedRunner(b)
	var last *sim.Result
	var virtual, wall, virtualAfter, wallAfter float64
	for b.Loop() {
		var settled, end time.Time
		res, err := r.Run(context.Background(), spec, sim.Options{OnEvent: func(ev event.Event) {
			switch {
			case ev.Type == event.Tick && ev.T.D() == settledAt:
				settled = time.Now()
			case ev.Type == event.RunEnd:
				end = time.Now()
			}
		}})
		if err != nil {
			b.Fatal(err)
		}
		last = res
		virtual += res.Virtual.Seconds()
		wall += res.Wall.Seconds()
		if !settled.IsZero() && !end.IsZero() {
			virtualAfter += (res.Virtual - settledAt).Seconds()
			wallAfter += end.Sub(settled).Seconds()
		}
	}
	b.ReportMetric(virtual/wall, "speedup")
	b.ReportMetric(virtualAfter/wallAfter, "speedup-settled")
	b.ReportMetric(wall/float64(b.N), "wall-s/run")
	u := reports.NewSummary(last.Events, last.Stream, last.Wall).UserEvents
	if u == nil || u.LatencyMS == nil || u.Missing != 0 || u.Duplicates != 0 || u.OutOfOrder != 0 {
		b.Fatalf("user events were not all delivered cleanly: %+v", u)
	}
	b.ReportMetric(u.LatencyMS.P50, "deliver-p50-ms")
	b.ReportMetric(u.LatencyMS.P99, "deliver-p99-ms")
	b.ReportMetric(u.LatencyMS.Max, "deliver-max-ms")
}
