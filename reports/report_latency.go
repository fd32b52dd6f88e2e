package reports

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports/plot"
)

// opGroup is the operations one latency panel shows: the gets of one read mode, or every
// write.
type opGroup struct {
	id, title string
	ops       []*checker.Op
}

// opGroups splits a run's operations into panels: GET per read mode (in the order the
// summary prints modes), then the writes (put, cas, delete).
func opGroups(ops []checker.Op) []opGroup {
	byMode := map[string][]*checker.Op{}
	var writes []*checker.Op
	for i := range ops {
		op := &ops[i]
		if op.Kind == event.OpGet {
			byMode[op.Mode] = append(byMode[op.Mode], op)
		} else {
			writes = append(writes, op)
		}
	}
	var out []opGroup
	for _, m := range sortedModes(byMode) {
		out = append(out, opGroup{id: "get-" + m, title: "GET " + m, ops: byMode[m]})
	}
	if len(writes) > 0 {
		out = append(out, opGroup{id: "writes", title: "writes (put, cas, delete)", ops: writes})
	}
	return out
}

// latencyMS is an operation's latency in milliseconds.
func latencyMS(op *checker.Op) float64 { return float64(op.Latency()) / float64(time.Millisecond) }

// latencyRange is the y range every latency panel shares, so that panels compare at a
// glance: the powers of ten around the returned operations' latencies, the top one
// above them all, from at least 10 µs (an instant answer is drawn on the floor).
func latencyRange(ops []checker.Op) (lo, hi float64) {
	lo, hi = math.Inf(1), 0
	for i := range ops {
		if !ops[i].Returned {
			continue
		}
		l := latencyMS(&ops[i])
		if l > 0 {
			lo = min(lo, l)
		}
		hi = max(hi, l)
	}
	if hi == 0 {
		return 0.01, 1
	}
	lo = max(0.01, math.Pow(10, math.Floor(math.Log10(lo))))
	// Strictly above the slowest: a client's timeout (1 s, 2 s) is often a power of
	// ten, and a point on the frame would be cut in half.
	hi = math.Pow(10, math.Floor(math.Log10(hi))+1)
	if hi <= lo {
		hi = lo * 10
	}
	return lo, hi
}

// maxPoints is the most operations one latency-raw panel draws; past it the panel is
// thinned (thin), and says so.
const maxPoints = 1500

// panelHeight is the height of a latency or throughput panel.
const panelHeight = vg.Length(190) // points

// latencyRaw is one panel of every operation of g as a point: x when it was called, y
// its latency, coloured by outcome.
func latencyRaw(g opGroup, bands plot.Bands, end event.Time, lo, hi float64) (plot.Figure, error) {
	shown, k := thin(g.ops, end)
	var pts [3]plotter.XYs // ok, fail, unknown
	var n [3]int
	inFlight := 0
	for _, op := range g.ops {
		if !op.Returned {
			inFlight++
			continue
		}
		n[outcome(op)]++
	}
	for _, op := range shown {
		pts[outcome(op)] = append(pts[outcome(op)], plotter.XY{X: op.Call.Seconds(), Y: max(lo, latencyMS(op))})
	}
	p := plot.New(g.title+": latency of every operation, ms (log scale)", "virtual time of the call (s)", "ms", end.Seconds())
	plot.LogY(p, lo, hi)
	p.Add(bands)
	colours := [3]color.Color{plot.OK, plot.Fail, plot.Unknown}
	for i := range pts {
		if len(pts[i]) > 0 {
			p.Add(plot.Points(pts[i], colours[i]))
		}
	}
	svg, err := plot.SVG(p, plot.Width, panelHeight)
	if err != nil {
		return plot.Figure{}, err
	}
	caption := fmt.Sprintf("%d operations: %d ok, %d fail, %d unknown (no answer: drawn when the client gave up)",
		n[0]+n[1]+n[2]+inFlight, n[0], n[1], n[2])
	if inFlight > 0 {
		caption += fmt.Sprintf(", %d still in flight at the end (not drawn)", inFlight)
	}
	caption += "."
	if k > 0 {
		caption += fmt.Sprintf(" Thinned to %d points: every failed or unknown operation and, in each of %d time slices, the fastest and the slowest ok one.", len(shown), k)
	}
	return plot.Figure{ID: "latency-raw-" + g.id, SVG: svg, FaultBands: len(bands), Caption: caption,
		Keys: []plot.Key{{Color: plot.OK, Label: "ok"}, {Color: plot.Fail, Label: "fail"}, {Color: plot.Unknown, Label: "unknown"}}}, nil
}

// outcome is 0 for ok, 1 for fail, 2 for unknown.
func outcome(op *checker.Op) int {
	switch op.Status {
	case event.StatusOK:
		return 0
	case event.StatusFail:
		return 1
	}
	return 2
}

// thin returns the returned operations of ops to draw, all of them up to maxPoints.
// Past it: every one that is not ok, and of the ok ones, in each of k equal slices of
// the run's time, the fastest and the slowest (the first called among equals), which
// keep the envelope a reader looks at; k is returned (0: not thinned).
func thin(ops []*checker.Op, end event.Time) ([]*checker.Op, int) {
	var returned []*checker.Op
	notOK := 0
	for _, op := range ops {
		if op.Returned {
			returned = append(returned, op)
			if op.Status != event.StatusOK {
				notOK++
			}
		}
	}
	if len(returned) <= maxPoints {
		return returned, 0
	}
	k := max(50, (maxPoints-notOK)/2)
	width := max(end.Seconds(), 1e-9) / float64(k)
	fast, slow := make([]*checker.Op, k), make([]*checker.Op, k)
	var out []*checker.Op
	for _, op := range returned {
		if op.Status != event.StatusOK {
			out = append(out, op)
			continue
		}
		i := min(k-1, int(op.Call.Seconds()/width))
		if fast[i] == nil || op.Latency() < fast[i].Latency() {
			fast[i] = op
		}
		if slow[i] == nil || op.Latency() > slow[i].Latency() {
			slow[i] = op
		}
	}
	for i := range k {
		for _, op := range []*checker.Op{fast[i], slow[i]} {
			if op != nil && !slices.Contains(out, op) {
				out = append(out, op)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b *checker.Op) int { return cmp.Compare(a.Call, b.Call) })
	return out, k
}
