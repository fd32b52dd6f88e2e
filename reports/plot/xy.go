package plot

import (
	"image/color"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Points is a scatter of xys in one colour, small filled circles: a plot of thousands of
// operations stays readable.
func Points(xys plotter.XYs, c color.Color) *plotter.Scatter {
	s, err := plotter.NewScatter(xys)
	if err != nil {
		panic("plot: points: " + err.Error()) // NaN or Inf: a bug of the caller
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: 1.6, Shape: draw.CircleGlyph{}}
	return s
}

// Line is a polyline through xys in one colour; dashed, it is drawn in dashes.
func Line(xys plotter.XYs, c color.Color, dashed bool) *plotter.Line {
	l, err := plotter.NewLine(xys)
	if err != nil {
		panic("plot: line: " + err.Error()) // NaN or Inf: a bug of the caller
	}
	l.LineStyle = draw.LineStyle{Color: c, Width: 1.2}
	if dashed {
		l.LineStyle.Dashes = []vg.Length{4, 2}
	}
	return l
}

// CDF is the empirical cumulative distribution of xs (any order): for each value, the
// fraction of values at or below it, as a step line from (min, 0).
func CDF(xs []float64) plotter.XYs {
	s := slices.Clone(xs)
	slices.Sort(s)
	out := make(plotter.XYs, 0, 2*len(s)+1)
	if len(s) == 0 {
		return out
	}
	out = append(out, plotter.XY{X: s[0], Y: 0})
	n := float64(len(s))
	for i, v := range s {
		if i+1 < len(s) && s[i+1] == v {
			continue // one step per distinct value
		}
		prev := out[len(out)-1].Y
		out = append(out, plotter.XY{X: v, Y: prev}, plotter.XY{X: v, Y: float64(i+1) / n})
	}
	return out
}
