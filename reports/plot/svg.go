package plot

import (
	"bytes"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// SVG draws p on a w by h canvas and returns the <svg> element, ready to be inlined into
// an HTML page: no XML prolog, and the font family followed by the fallbacks a browser
// without Liberation Sans should use. vgsvg escapes every text it writes, so a label
// taken from a scenario or a node cannot inject markup.
func SVG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plot: svg: %w", err)
	}
	return inline(b.Bytes()), nil
}

// fallbackFamily is the font-family that replaces vgsvg's bare "Liberation Sans": the
// same metrics in Arimo, Arial and Helvetica.
var fallbackFamily = []byte(`font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;`)

// inline strips what precedes <svg (the XML prolog and vgsvg's comment) and names the
// font fallbacks.
func inline(svg []byte) []byte {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"), fallbackFamily)
}
