package plot

import (
	"fmt"
	"html/template"
	"image/color"
	"strings"
)

// Figure is one plot as a page shows it: its SVG, and what a reader and a test need to
// know about it.
type Figure struct {
	// ID names it in the page: the element's id is "plot-" + ID.
	ID string
	// SVG is the <svg> element (SVG, Timeline.SVG): markup that vgsvg escaped.
	SVG []byte
	// FaultBands is how many fault windows it shades.
	FaultBands int
	// Keys explain its colours; Caption says what it shows, in plain text.
	Keys    []Key
	Caption string
}

// Key is one entry of a figure's legend: a colour swatch (a dashed line when Dashed)
// and what it stands for.
type Key struct {
	Color  color.Color
	Label  string
	Dashed bool
}

// HTML is the figure as an HTML element: <figure class="plot" id="plot-ID"
// data-fault-bands="N"> with the SVG inline, then the keys and the caption (escaped).
// The attributes are the page's hooks for tests: a browser test counts the fault bands
// each plot shades. The page styles the classes key, swatch and dashed.
func (f Figure) HTML() template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="plot" id="plot-%s" data-fault-bands="%d">`, template.HTMLEscapeString(f.ID), f.FaultBands)
	b.Write(f.SVG)
	b.WriteString("<figcaption>")
	for _, k := range f.Keys {
		class := "swatch"
		if k.Dashed {
			class += " dashed"
		}
		fmt.Fprintf(&b, `<span class="key"><span class="%s" style="--c:%s"></span>%s</span> `, class, hex(k.Color), template.HTMLEscapeString(k.Label))
	}
	b.WriteString(template.HTMLEscapeString(f.Caption))
	b.WriteString("</figcaption></figure>")
	return template.HTML(b.String())
}

// hex is c as #rrggbb, its transparency dropped (a swatch of a band shows its hue).
func hex(c color.Color) string {
	r, g, b, a := c.RGBA()
	if a == 0 {
		return "#000000"
	}
	return fmt.Sprintf("#%02x%02x%02x", r*0xff/a, g*0xff/a, b*0xff/a)
}
