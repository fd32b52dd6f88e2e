package plot

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Timeline is a chart of lanes (one per node) against virtual time: bars (a node up, a
// node leading a term), marks (a crash, a status change) and bands (fault windows)
// shaded across every lane, whose labels sit in rows above the lanes, laid out so that
// no two overlap.
type Timeline struct {
	Title string
	// Lanes are the lanes' names, top to bottom.
	Lanes []string
	// End is where the time axis ends, in virtual seconds.
	End   float64
	Bands []Band
	Bars  []Bar
	Marks []Mark
}

// Bar is a span of one lane. A label is drawn at its start, above it, unless it would
// overlap the lane's previous label.
type Bar struct {
	Lane     int
	From, To float64
	Color    color.Color
	Width    vg.Length
	Label    string
}

// Mark is one instant of one lane, drawn as a glyph.
type Mark struct {
	Lane  int
	At    float64
	Glyph draw.GlyphDrawer
	Color color.Color
}

// Sizes of the timeline's parts.
const (
	laneHeight = vg.Length(16)
	rowHeight  = vg.Length(13)
	// labelGap is the room left after a label, in points, so that a browser whose
	// fallback font is a little wider than Liberation Sans still draws no overlap.
	labelGap = vg.Length(10)
	// labelSlack widens every measured label by this factor for the same reason.
	labelSlack = 1.12
)

var (
	labelFont = font.From(Font, 8)
	laneFont  = font.From(Font, 7)
)

// SVG draws the timeline w wide; its height follows from the lanes and the rows its
// band labels need. It also returns how many rows those are.
func (t *Timeline) SVG(w vg.Length) ([]byte, int, error) {
	p := New(t.Title, "virtual time (s)", "", t.End)
	ticks := make([]plot.Tick, len(t.Lanes))
	for i, name := range t.Lanes {
		ticks[i] = plot.Tick{Value: t.laneY(i), Label: name}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.5, float64(len(t.Lanes))-0.5
	// The x axis does not depend on the height: measure the data area on any canvas to
	// know how many seconds a label's width takes.
	probe := p.DataCanvas(draw.New(vgsvg.New(w, 200)))
	perPoint := t.End / float64(probe.Max.X-probe.Min.X)
	rows, n := t.labelRows(perPoint)
	if n > 0 {
		// The rows sit above the lanes, the first row nearest to them.
		p.Y.Max = float64(len(t.Lanes)) + float64(n)*float64(rowHeight/laneHeight)
		ticks = append(ticks, plot.Tick{Value: t.rowY(n - 1), Label: "faults"})
		p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	}
	p.Add(&timelinePlotter{t: t, rows: rows, nRows: n})
	h := laneHeight*vg.Length(len(t.Lanes)) + rowHeight*vg.Length(n) + 60
	if t.Title != "" {
		h += 16
	}
	svg, err := SVG(p, w, h)
	return svg, n, err
}

// laneY is the y value of lane i (lanes run top to bottom).
func (t *Timeline) laneY(i int) float64 { return float64(len(t.Lanes) - 1 - i) }

// rowY is the y value of band-label row r (row 0 nearest to the lanes).
func (t *Timeline) rowY(r int) float64 {
	return float64(len(t.Lanes)) - 0.5 + (float64(r)+0.5)*float64(rowHeight/laneHeight)
}

// labelStyle is a band's label as drawn.
func labelStyle() text.Style {
	return text.Style{Color: color.Black, Font: labelFont, XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
}

// labelRows assigns the bands' labels to rows; perPoint is seconds per point of width.
func (t *Timeline) labelRows(perPoint float64) ([]int, int) {
	if len(t.Bands) == 0 {
		return nil, 0
	}
	spans := make([]Span, len(t.Bands))
	for i, b := range t.Bands {
		at, wide := t.labelAt(b, perPoint)
		spans[i] = Span{From: min(at, b.From), To: max(b.To, at+wide)}
	}
	return Rows(spans)
}

// labelAt is where a band's label starts and how much time its width takes, in seconds
// (perPoint: seconds per point): at the band's start, or moved left so that it ends at
// the end of the axis rather than past it.
func (t *Timeline) labelAt(b Band, perPoint float64) (at, wide float64) {
	wide = float64(labelStyle().Width(b.Label)*labelSlack+labelGap) * perPoint
	return max(0, min(b.From, t.End-wide)), wide
}

// timelinePlotter draws a Timeline on its plot's data area.
type timelinePlotter struct {
	t     *Timeline
	rows  []int
	nRows int
}

// Plot implements plot.Plotter.
func (tp *timelinePlotter) Plot(c draw.Canvas, p *plot.Plot) {
	t := tp.t
	x := func(v float64) vg.Length { return c.X(p.X.Norm(v)) }
	y := func(v float64) vg.Length { return c.Y(p.Y.Norm(v)) }
	lanesTop := y(float64(len(t.Lanes)) - 0.5)

	// Bands first, under everything, across the lanes; then each band's bar and label in
	// its row.
	for i, b := range t.Bands {
		x0, x1 := bandX(c, p, b)
		c.FillPolygon(b.fill(i), []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: lanesTop}, {X: x0, Y: lanesTop}})
	}
	// Lane separators.
	for i := range t.Lanes {
		ly := y(t.laneY(i)) - laneHeight/2
		c.StrokeLine2(draw.LineStyle{Color: color.Gray{Y: 0xee}, Width: 0.5}, c.Min.X, ly, c.Max.X, ly)
	}
	if tp.nRows > 0 {
		c.StrokeLine2(draw.LineStyle{Color: color.Gray{Y: 0x88}, Width: 0.5}, c.Min.X, lanesTop, c.Max.X, lanesTop)
	}
	sty := labelStyle()
	perPoint := (p.X.Max - p.X.Min) / float64(c.Max.X-c.Min.X)
	for i, b := range t.Bands {
		ry := y(t.rowY(tp.rows[i]))
		x0, x1 := bandX(c, p, b)
		at, _ := t.labelAt(b, perPoint)
		c.FillPolygon(b.fill(i), []vg.Point{{X: x0, Y: ry - rowHeight/2 + 1}, {X: x1, Y: ry - rowHeight/2 + 1}, {X: x1, Y: ry + rowHeight/2 - 1}, {X: x0, Y: ry + rowHeight/2 - 1}})
		sty.Color = Opaque(b.fill(i))
		c.FillText(sty, vg.Point{X: x(at) + 2, Y: ry}, b.Label)
	}

	// Bars, with their labels where there is room.
	lastLabelEnd := map[int]vg.Length{}
	barLabel := text.Style{Color: color.Black, Font: laneFont, XAlign: draw.XLeft, YAlign: draw.YBottom, Handler: plot.DefaultTextHandler}
	for _, b := range t.Bars {
		ly := y(t.laneY(b.Lane))
		x0, x1 := x(b.From), x(b.To)
		if x1-x0 < 1 {
			x1 = x0 + 1
		}
		c.StrokeLine2(draw.LineStyle{Color: b.Color, Width: b.Width}, max(x0, c.Min.X), ly, min(x1, c.Max.X), ly)
		if b.Label == "" {
			continue
		}
		end, seen := lastLabelEnd[b.Lane]
		if seen && x0 < end {
			continue
		}
		barLabel.Color = b.Color
		c.FillText(barLabel, vg.Point{X: x0, Y: ly + b.Width/2 + 0.5}, b.Label)
		lastLabelEnd[b.Lane] = x0 + barLabel.Width(b.Label)*labelSlack + 4
	}
	for _, m := range t.Marks {
		c.DrawGlyph(draw.GlyphStyle{Color: m.Color, Radius: 3, Shape: m.Glyph}, vg.Point{X: x(m.At), Y: y(t.laneY(m.Lane))})
	}
}
