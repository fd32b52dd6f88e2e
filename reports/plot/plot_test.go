package plot

import (
	"bytes"
	"image/color"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

func sample() []byte {
	p := New("a <script>alert(1)</script> title", "x", "y", 10)
	p.Add(Bands{{From: 2, To: 4, Color: BandColor(0)}, {From: 6, To: 6, Color: BandColor(1)}})
	p.Add(Points(plotter.XYs{{X: 1, Y: 1}, {X: 5, Y: 3}}, OK))
	svg, err := SVG(p, Width, 150)
	if err != nil {
		panic(err)
	}
	return svg
}

// The SVG is an element to inline: no prolog, the text escaped, the fonts given with
// fallbacks; and it is the same bytes every time.
func TestSVGInlinesSafely(t *testing.T) {
	svg := sample()
	if !bytes.HasPrefix(svg, []byte("<svg")) || !bytes.HasSuffix(bytes.TrimSpace(svg), []byte("</svg>")) {
		t.Errorf("not a bare <svg> element: %.80s", svg)
	}
	if bytes.Contains(svg, []byte("<script")) || !bytes.Contains(svg, []byte("a &lt;script&gt;alert(1)&lt;/script&gt; title")) {
		t.Error("the title is not escaped")
	}
	if bytes.Contains(svg, []byte("font-family:Liberation Sans;")) || !bytes.Contains(svg, fallbackFamily) {
		t.Error("the font family has no fallbacks")
	}
	if !bytes.Equal(svg, sample()) {
		t.Error("the same plot drew different SVG")
	}
}

// A band is drawn even when it lasts no time (a crash), in its colour.
func TestBandsDrawEvenInstantWindows(t *testing.T) {
	svg := string(sample())
	for _, c := range []color.Color{BandColor(0), BandColor(1)} {
		if n := strings.Count(svg, "fill:"+strings.ToUpper(hex(c))); n != 1 {
			t.Errorf("band fill %s drawn %d times, want 1", hex(c), n)
		}
	}
}

// Labels of bands close in time go to separate rows; far apart, one row does. A label
// wider than its band pushes the next band's label down.
func TestTimelineLaysLabelsOutInRows(t *testing.T) {
	rows := func(bands ...Band) int {
		tl := &Timeline{Lanes: []string{"server-1", "server-2"}, End: 60, Bands: bands}
		_, n, err := tl.SVG(Width)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := rows(); n != 0 {
		t.Errorf("no bands: %d rows", n)
	}
	if n := rows(Band{From: 1, To: 10, Label: "a"}, Band{From: 30, To: 40, Label: "b"}); n != 1 {
		t.Errorf("two bands far apart: %d rows, want 1", n)
	}
	if n := rows(Band{From: 1, To: 10, Label: "a"}, Band{From: 5, To: 15, Label: "b"}); n != 2 {
		t.Errorf("two overlapping bands: %d rows, want 2", n)
	}
	long := "a label far wider than the two seconds of its band"
	if n := rows(Band{From: 1, To: 3, Label: long}, Band{From: 4, To: 5, Label: "b"}); n != 2 {
		t.Errorf("a long label over the next band: %d rows, want 2", n)
	}
}

// The timeline draws every lane's name, every band's label (escaped) and a glyph per mark.
func TestTimelineDrawsItsParts(t *testing.T) {
	tl := &Timeline{Lanes: []string{"server-1", "client-<1>"}, End: 20,
		Bands: []Band{{From: 2, To: 5, Label: "cut <leader>", Color: BandColor(0)}},
		Bars:  []Bar{{Lane: 0, From: 1, To: 20, Color: Leader, Width: 5, Label: "term 2"}},
		Marks: []Mark{{Lane: 1, At: 8, Glyph: draw.CrossGlyph{}, Color: Fail}}}
	b, _, err := tl.SVG(Width)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(b)
	for _, want := range []string{">server-1<", ">client-&lt;1&gt;<", ">cut &lt;leader&gt;<", ">term 2<", ">faults<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
}

// The figure carries its hooks and escapes what it is given.
func TestFigureHTML(t *testing.T) {
	f := Figure{ID: "x\"y", SVG: []byte("<svg></svg>"), FaultBands: 3, Caption: "<b>", Keys: []Key{{Color: OK, Label: "ok"}, {Color: Fail, Label: "<i>", Dashed: true}}}
	got := string(f.HTML())
	want := `<figure class="plot" id="plot-x&#34;y" data-fault-bands="3"><svg></svg><figcaption>` +
		`<span class="key"><span class="swatch" style="--c:#2e86c1"></span>ok</span> ` +
		`<span class="key"><span class="swatch dashed" style="--c:#c0392b"></span>&lt;i&gt;</span> &lt;b&gt;</figcaption></figure>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !regexp.MustCompile(`data-fault-bands="\d+"`).MatchString(got) {
		t.Error("no data-fault-bands hook")
	}
}

func TestCDF(t *testing.T) {
	got := CDF([]float64{3, 1, 3, 2})
	want := plotter.XYs{{X: 1, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 0.25}, {X: 2, Y: 0.25}, {X: 2, Y: 0.5}, {X: 3, Y: 0.5}, {X: 3, Y: 1}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	labels := func(lo, hi float64) string {
		var out []string
		for _, tk := range (TimeTicks{}).Ticks(lo, hi) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{
		{0, 50.018, "0 10 20 30 40 50"},
		{0, 45.034, "0 5 10 15 20 25 30 35 40 45"},
		{0, 18.414, "0 2 4 6 8 10 12 14 16 18"},
		{0, 0.75, "0 0.1 0.2 0.3 0.4 0.5 0.6 0.7"},
		{0, 100, "0 10 20 30 40 50 60 70 80 90 100"},
		{0, 120, "0 20 40 60 80 100 120"},
	} {
		if got := labels(tc.lo, tc.hi); got != tc.want {
			t.Errorf("%g to %g: %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
	if ts := (TimeTicks{}).Ticks(0, 0); ts != nil {
		t.Errorf("an empty axis has ticks %v", ts)
	}
}
