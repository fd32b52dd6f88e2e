package plot

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// Font is the face of every text of a plot: Liberation Sans (metrically compatible with
// Arial and Helvetica, which a browser without it falls back to; see svg.go), so that
// the widths Go measures for layout match what the browser draws.
var Font = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Width is the width of every plot of a page, so that the page scales them all alike to
// its width and their time axes stay about aligned.
const Width = 10 * vg.Inch // 720 pt

// Colours of outcomes, one meaning everywhere: ok blue, fail red, unknown (no answer,
// timed out) orange.
var (
	OK      = color.RGBA{R: 0x2e, G: 0x86, B: 0xc1, A: 0xff}
	Fail    = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
	Unknown = color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}
	Grey    = color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
	Leader  = color.RGBA{R: 0x1f, G: 0x4e, B: 0x9a, A: 0xff}
	Restart = color.RGBA{R: 0x1e, G: 0x84, B: 0x49, A: 0xff}
)

// New returns a plot with the page's fonts and sizes, an x axis in virtual seconds from
// 0 to end with round ticks (end <= 0: an x axis from the data), and the given labels.
func New(title, xLabel, yLabel string, end float64) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(Font, 11)
	p.Title.Padding = 4
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(Font, 10)
		a.Tick.Label.Font = font.From(Font, 9)
	}
	p.Legend.TextStyle.Font = font.From(Font, 9)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	if end > 0 {
		p.X.Min, p.X.Max = 0, end
		p.X.Tick.Marker = TimeTicks{}
	}
	return p
}

// LogY makes the y axis logarithmic, from lo to hi (both > 0), with a tick at each power
// of ten. Give such a plot a short y label ("ms"): gonum/plot places the label's box
// at the axis's arithmetic middle, near the top on a log axis, and a long label pushes
// the data area down to make room for it.
func LogY(p *plot.Plot, lo, hi float64) {
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min, p.Y.Max = lo, hi
}
