package bench

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/consim/consim/reports/plot"
)

// plotHeight is the height of every plot of the page.
const plotHeight = 3.2 * vg.Inch

// pathColors are the paths' colours, one meaning in every plot.
var pathColors = map[string]color.Color{
	PathLeader:   plot.Leader,
	PathFollower: color.RGBA{R: 0x16, G: 0xa0, B: 0x85, A: 0xff},
	PathClient:   color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff},
}

// seriesColors colour the operations and read modes of a latency-versus-rate plot, in
// cell order; conditionColors the conditions of the throughput plot.
var seriesColors = []color.Color{
	color.RGBA{R: 0x1f, G: 0x4e, B: 0x9a, A: 0xff},
	color.RGBA{R: 0x16, G: 0xa0, B: 0x85, A: 0xff},
	color.RGBA{R: 0x8e, G: 0x44, B: 0xad, A: 0xff},
	color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff},
	color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff},
	color.RGBA{R: 0x7f, G: 0x8c, B: 0x8d, A: 0xff},
	color.RGBA{R: 0x27, G: 0xae, B: 0x60, A: 0xff},
	color.RGBA{R: 0x2c, G: 0x3e, B: 0x50, A: 0xff},
}

// opLabel names an operation and read mode as the plots do: "get default", "put".
func opLabel(op, mode string) string {
	if mode == "" {
		return op
	}
	return op + " " + mode
}

// opGroups are the (operation, mode) pairs of the report's cells, in order.
func (r *Report) opGroups() []cellKey {
	var out []cellKey
	for _, k := range r.keys() {
		if k.path == r.Matrix.Paths[0] {
			out = append(out, cellKey{op: k.op, mode: k.mode})
		}
	}
	return out
}

// latencyByPath is one condition at one rate: for each operation and mode, a dot per
// path at its median with a whisker up to its p99, the paths side by side.
func (r *Report) latencyByPath(cond string, rt float64, id string) (plot.Figure, error) {
	groups := r.opGroups()
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = opLabel(g.op, g.mode)
	}
	p := plot.New(fmt.Sprintf("%s at %s: latency per operation and path, ms", cond, rate(rt)), "", "ms", 0)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	p.Y.Min = 0
	n := len(r.Matrix.Paths)
	step := 0.6 / float64(n) // the paths of a group share 0.6 of its unit of width
	var keys []plot.Key
	for i, path := range r.Matrix.Paths {
		col := pathColors[path]
		var dots plotter.XYs
		for j, g := range groups {
			c, _ := r.Cell(cond, rt, g.op, g.mode, path)
			if c.P50MS == nil {
				continue
			}
			x := float64(j) + (float64(i)-float64(n-1)/2)*step
			dots = append(dots, plotter.XY{X: x, Y: *c.P50MS})
			p.Add(plot.Line(plotter.XYs{{X: x, Y: *c.P50MS}, {X: x, Y: *c.P99MS}}, col, false))
		}
		if len(dots) > 0 {
			d := plot.Points(dots, col)
			d.GlyphStyle.Radius = 3.5
			p.Add(d)
		}
		keys = append(keys, plot.Key{Color: col, Label: "through the " + path})
	}
	svg, err := plot.SVG(p, plot.Width, plotHeight)
	if err != nil {
		return plot.Figure{}, err
	}
	return plot.Figure{ID: id, SVG: svg, Keys: keys,
		Caption: "Dots: the median (p50) of each operation and read mode through each path; whiskers reach up to the p99."}, nil
}

// latencyVsRate is one condition: for each operation and mode through one path, its
// median (solid) and p99 (dashed) at each offered rate.
func (r *Report) latencyVsRate(cond, path, id string) (plot.Figure, error) {
	p := plot.New(fmt.Sprintf("%s: latency through the %s versus offered rate, ms (log scale)", cond, path), "offered rate (requests per second, all clients)", "ms", 0)
	lo, hi := math.Inf(1), 0.0
	for _, x := range r.Cells {
		if x.Condition == cond && x.Path == path && x.P50MS != nil {
			lo, hi = math.Min(lo, math.Max(*x.P50MS, 0.01)), math.Max(hi, *x.P99MS)
		}
	}
	if hi == 0 {
		lo, hi = 0.1, 1
	}
	plot.LogY(p, math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi))))
	var keys []plot.Key
	for i, g := range r.opGroups() {
		col := seriesColors[i%len(seriesColors)]
		var p50, p99 plotter.XYs
		for _, rt := range r.Matrix.Rates {
			c, _ := r.Cell(cond, rt, g.op, g.mode, path)
			if c.P50MS != nil {
				p50 = append(p50, plotter.XY{X: rt, Y: math.Max(*c.P50MS, 0.01)})
				p99 = append(p99, plotter.XY{X: rt, Y: math.Max(*c.P99MS, 0.01)})
			}
		}
		if len(p50) == 0 {
			continue
		}
		p.Add(plot.Line(p50, col, false), plot.Points(p50, col), plot.Line(p99, col, true))
		keys = append(keys, plot.Key{Color: col, Label: opLabel(g.op, g.mode)})
	}
	svg, err := plot.SVG(p, plot.Width, plotHeight)
	if err != nil {
		return plot.Figure{}, err
	}
	return plot.Figure{ID: id, SVG: svg, Keys: keys,
		Caption: "Solid: the median (p50) at each offered rate; dashed: the p99. Without a server CPU the lines stay flat: in virtual time computation is free."}, nil
}

// throughputVsRate is every condition: the answers a second of its runs (averaged over
// seeds) at each offered rate, against the offered rate itself (dashed grey).
func (r *Report) throughputVsRate() (plot.Figure, error) {
	p := plot.New("answered versus offered: requests per second", "offered rate (requests per second, all clients)", "answered per second", 0)
	p.X.Min, p.Y.Min = 0, 0
	top := r.Matrix.Rates[len(r.Matrix.Rates)-1]
	for _, rt := range r.Matrix.Rates {
		top = math.Max(top, rt)
	}
	p.Add(plot.Line(plotter.XYs{{X: 0, Y: 0}, {X: top, Y: top}}, plot.Grey, true))
	keys := []plot.Key{{Color: plot.Grey, Label: "offered", Dashed: true}}
	for i, c := range r.Matrix.Conditions {
		col := seriesColors[i%len(seriesColors)]
		var xys plotter.XYs
		for _, rt := range r.Matrix.Rates {
			xys = append(xys, plotter.XY{X: rt, Y: r.answered(c.Name, rt)})
		}
		p.Add(plot.Line(xys, col, false), plot.Points(xys, col))
		keys = append(keys, plot.Key{Color: col, Label: c.Name})
	}
	svg, err := plot.SVG(p, plot.Width, plotHeight)
	if err != nil {
		return plot.Figure{}, err
	}
	return plot.Figure{ID: "throughput", SVG: svg, Keys: keys,
		Caption: fmt.Sprintf("Requests answered a second from %s s to %s s of each run (every path and operation). A condition that falls below the dashed line cannot keep up: it has saturated.", num(r.WorkloadStartS), num(r.WorkloadStopS))}, nil
}
