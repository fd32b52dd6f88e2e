package reports

import (
	"fmt"
	"image/color"
	"slices"
	"time"

	"gonum.org/v1/plot/plotter"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports/plot"
)

// bucketWidth is the width of the time buckets of the quantile and throughput plots:
// the smallest round width that cuts the run into at most 60 buckets with, on average,
// at least 10 of the n operations in each (a percentile of three values says little).
func bucketWidth(end event.Time, n int) time.Duration {
	widths := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 250 * time.Millisecond,
		500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second,
		15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute}
	for _, w := range widths {
		buckets := float64(end.D())/float64(w) + 1
		if buckets <= 60 && float64(n)/buckets >= 10 {
			return w
		}
	}
	return widths[len(widths)-1]
}

// bucketOf is the bucket of t.
func bucketOf(t event.Time, w time.Duration) int { return int(t.D() / w) }

// quantileLines are the quantiles the quantile plot draws, and how.
var quantileLines = []struct {
	name   string
	p      float64
	colour color.RGBA
	dashed bool
}{
	{"p50", 50, color.RGBA{R: 0x1f, G: 0x4e, B: 0x9a, A: 0xff}, false},
	{"p90", 90, color.RGBA{R: 0x16, G: 0xa0, B: 0x85, A: 0xff}, false},
	{"p99", 99, color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}, false},
	{"max", 100, color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}, true},
}

// latencyQuantiles is one panel of the latency quantiles of g's answered operations (ok
// and fail: an unknown one has no latency, only the client's timeout) per time bucket,
// by call time. A bucket without any answered operation breaks the lines.
func latencyQuantiles(g opGroup, w time.Duration, bands plot.Bands, end event.Time, lo, hi float64) (plot.Figure, error) {
	buckets := map[int][]time.Duration{}
	for _, op := range g.ops {
		if op.Answered() {
			b := bucketOf(op.Call, w)
			buckets[b] = append(buckets[b], op.Latency())
		}
	}
	p := plot.New(g.title+": latency quantiles over time, ms (log scale)", "virtual time of the call (s)", "ms", end.Seconds())
	plot.LogY(p, lo, hi)
	p.Add(bands)
	var keys []plot.Key
	for _, q := range quantileLines {
		for _, seg := range segments(buckets, w, func(ls []time.Duration) float64 {
			return max(lo, float64(Percentile(ls, q.p))/float64(time.Millisecond))
		}) {
			p.Add(plot.Line(seg, q.colour, q.dashed))
		}
		keys = append(keys, plot.Key{Color: q.colour, Label: q.name, Dashed: q.dashed})
	}
	svg, err := plot.SVG(p, plot.Width, panelHeight)
	if err != nil {
		return plot.Figure{}, err
	}
	return plot.Figure{ID: "latency-quantiles-" + g.id, SVG: svg, FaultBands: len(bands), Keys: keys,
		Caption: fmt.Sprintf("Nearest-rank percentiles of the answered operations (ok and fail) called in each %s bucket, drawn at the bucket's middle.", w)}, nil
}

// segments turns buckets (by index, each sorted here) into runs of consecutive buckets,
// one point per bucket at its middle, with y computed by f.
func segments(buckets map[int][]time.Duration, w time.Duration, f func([]time.Duration) float64) []plotter.XYs {
	idx := make([]int, 0, len(buckets))
	for i, ls := range buckets {
		slices.Sort(ls)
		idx = append(idx, i)
	}
	slices.Sort(idx)
	var out []plotter.XYs
	for j, i := range idx {
		if j == 0 || idx[j-1] != i-1 {
			out = append(out, nil)
		}
		x := (float64(i) + 0.5) * w.Seconds()
		out[len(out)-1] = append(out[len(out)-1], plotter.XY{X: x, Y: f(buckets[i])})
	}
	// A lone bucket is a line of one point, which draws nothing: give it a short
	// horizontal stroke across its bucket.
	for k, s := range out {
		if len(s) == 1 {
			half := w.Seconds() / 2
			out[k] = plotter.XYs{{X: s[0].X - half, Y: s[0].Y}, {X: s[0].X + half, Y: s[0].Y}}
		}
	}
	return out
}

// throughput is the plot of operations per second of virtual time, per time bucket:
// calls (by call time) and answers by outcome (by return time).
func throughput(ops []checker.Op, bands plot.Bands, end event.Time) (plot.Figure, error) {
	w := bucketWidth(end, len(ops))
	n := bucketOf(end, w) + 1
	calls := make([]float64, n)
	var outcomes [3][]float64
	for i := range outcomes {
		outcomes[i] = make([]float64, n)
	}
	for i := range ops {
		op := &ops[i]
		calls[min(n-1, bucketOf(op.Call, w))]++
		if op.Returned {
			outcomes[outcome(op)][min(n-1, bucketOf(op.Return, w))]++
		}
	}
	p := plot.New("throughput, operations per second", "virtual time (s)", "ops/s", end.Seconds())
	p.Y.Min = 0
	p.Add(bands)
	line := func(counts []float64, c color.Color, dashed bool) {
		xys := make(plotter.XYs, n)
		for i, v := range counts {
			xys[i] = plotter.XY{X: (float64(i) + 0.5) * w.Seconds(), Y: v / w.Seconds()}
		}
		p.Add(plot.Line(xys, c, dashed))
	}
	line(calls, plot.Grey, true)
	line(outcomes[0], plot.OK, false)
	line(outcomes[1], plot.Fail, false)
	line(outcomes[2], plot.Unknown, false)
	svg, err := plot.SVG(p, plot.Width, panelHeight)
	if err != nil {
		return plot.Figure{}, err
	}
	return plot.Figure{ID: "throughput", SVG: svg, FaultBands: len(bands),
		Keys:    []plot.Key{{Color: plot.Grey, Label: "calls", Dashed: true}, {Color: plot.OK, Label: "ok"}, {Color: plot.Fail, Label: "fail"}, {Color: plot.Unknown, Label: "unknown"}},
		Caption: fmt.Sprintf("Operations of every kind per second, in %s buckets: calls by the time they were made, answers by the time they came.", w)}, nil
}

// userEventCDF is the distribution of user-event delivery latencies (first deliveries to
// the members up when each event fired, checker.UserEventLatenciesMS), nil without any.
func userEventCDF(run *checker.Run) (*plot.Figure, error) {
	ls := checker.UserEventLatenciesMS(run)
	if len(ls) == 0 {
		return nil, nil
	}
	p := plot.New("user-event delivery latency: fraction of deliveries within x ms", "latency (ms)", "fraction", 0)
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Min, p.X.Max = 0, slices.Max(ls)*1.05+1 // the last step off the frame
	p.Add(plot.Line(plot.CDF(ls), plot.OK, false))
	svg, err := plot.SVG(p, plot.Width, panelHeight)
	if err != nil {
		return nil, err
	}
	return &plot.Figure{ID: "user-event-cdf", SVG: svg,
		Caption: fmt.Sprintf("Cumulative distribution of %d deliveries: for each latency, the fraction delivered within it (fire time to delivery, origins included at 0 ms).", len(ls))}, nil
}
