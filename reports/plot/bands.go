package plot

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Band is a window of the x axis to shade across a plot's whole height: a fault window,
// in virtual seconds.
type Band struct {
	From, To float64
	// Label names it where there is room for labels (Timeline); Color is its fill
	// (BandColor; nil: BandColor of its index).
	Label string
	Color color.Color
}

// fill is the band's colour; i is its index among its plot's bands.
func (b Band) fill(i int) color.Color {
	if b.Color == nil {
		return BandColor(i)
	}
	return b.Color
}

// Bands shades each band across the data area, under whatever is added after it: add it
// to a plot first. A band shorter than a point is drawn a point wide, so that an
// instantaneous fault (a crash) still shows.
type Bands []Band

var _ plot.Plotter = Bands(nil)

// Plot implements plot.Plotter.
func (bs Bands) Plot(c draw.Canvas, p *plot.Plot) {
	for i, b := range bs {
		x0, x1 := bandX(c, p, b)
		if x1 <= x0 {
			continue
		}
		c.FillPolygon(b.fill(i), []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
	}
}

// minBand is the narrowest a band is drawn.
const minBand = vg.Length(1.5)

// bandX is the band's horizontal extent on c, at least minBand wide, clipped to c.
func bandX(c draw.Canvas, p *plot.Plot, b Band) (vg.Length, vg.Length) {
	x0, x1 := c.X(p.X.Norm(b.From)), c.X(p.X.Norm(b.To))
	if x1-x0 < minBand {
		x1 = x0 + minBand
	}
	return max(x0, c.Min.X), min(x1, c.Max.X)
}

// bandPalette are the fills of fault bands, light enough to read points through.
var bandPalette = []color.NRGBA{
	{R: 0xf3, G: 0x9c, B: 0x12, A: 0x40}, // orange
	{R: 0x8e, G: 0x44, B: 0xad, A: 0x33}, // purple
	{R: 0x16, G: 0xa0, B: 0x85, A: 0x38}, // teal
	{R: 0xc0, G: 0x39, B: 0x2b, A: 0x30}, // red
	{R: 0x27, G: 0x60, B: 0xae, A: 0x30}, // blue
	{R: 0x7f, G: 0x8c, B: 0x8d, A: 0x40}, // grey
}

// BandColor is the fill of the i-th distinct fault (by name) of a page: the same fault
// has the same colour in every plot.
func BandColor(i int) color.NRGBA { return bandPalette[i%len(bandPalette)] }

// Opaque is c without its transparency: the colour of a band's label and bar.
func Opaque(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	if a == 0 {
		return color.RGBA{A: 0xff}
	}
	// c is premultiplied: undo it, then darken a little so text on white reads.
	un := func(v uint32) uint8 { return uint8(v * 0xff / a * 3 / 4) }
	return color.RGBA{R: un(r), G: un(g), B: un(b), A: 0xff}
}
