package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/internal/browser"
	"github.com/consim/consim/reports"
)

// box is a DOMRect as the page reports it.
type box struct{ Left, Top, Right, Bottom float64 }

func (a box) overlaps(b box) bool {
	return a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom
}

// boxesJS returns the bounding boxes of every element matching a selector.
const boxesJS = `(sel => Array.from(document.querySelectorAll(sel), e => { const r = e.getBoundingClientRect(); return {Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom} }))`

// The acceptance of the linearizability view (issue 14): lease-window seed 1 in a real
// headless Chromium, its default reads (not linearizable) and its consistent reads
// (linearizable). No console errors; the verdict in words; a band and a label per fault
// window, labels never overlapping; a time axis in seconds; #op= scrolls to the operation
// and marks it; "jump to first error" and the overview move the view; the page renders to
// a PNG of a screen's size. CONSIM_SCREENSHOTS=DIR keeps the screenshots to look at.
func TestViewOfLeaseWindowInBrowser(t *testing.T) {
	needGuest(t)
	b := browser.ForTest(t)
	d := mustRun(t, "lease-window", "--seed", "1")
	var sum reports.Summary
	if err := json.Unmarshal(d.file(t, "summary.json"), &sum); err != nil {
		t.Fatal(err)
	}
	windows := 0
	for _, f := range sum.Faults {
		if f.Kind != "heal" {
			windows++
		}
	}
	examples := sum.Anomalies["default"].Examples
	if sum.Verdicts["default"] != "not-linearizable" || sum.Verdicts["consistent"] != "linearizable" || len(examples) == 0 || windows != 4 {
		t.Fatalf("lease-window seed 1 is not the run this test knows: verdicts %v, %d anomalies explained, %d fault windows", sum.Verdicts, len(examples), windows)
	}
	first := slices.MinFunc(examples, func(a, b checker.Anomaly) int { return cmpFloat(a.Call, b.Call) })
	last := slices.MaxFunc(examples, func(a, b checker.Anomaly) int { return cmpFloat(a.Call, b.Call) })
	url := func(mode, fragment string) string {
		u, err := browser.FileURL(filepath.Join(d.dir, reports.ViewFile(mode)))
		if err != nil {
			t.Fatal(err)
		}
		return u + fragment
	}

	t.Run("default", func(t *testing.T) {
		p := browser.OpenForTest(t, b, url("default", ""))
		noProblems(t, p)
		verdict := texts(t, p, "#cv-verdict")
		want := fmt.Sprintf("default reads are not linearizable: %d anomalies", sum.Anomalies["default"].Count)
		if len(verdict) != 1 || !strings.HasPrefix(verdict[0], want) {
			t.Errorf("verdict %q", verdict)
		}
		if n := count(t, p, "#cv-bands .cv-band"); n != windows {
			t.Errorf("%d fault bands across the lanes, want %d", n, windows)
		}
		labels := texts(t, p, ".cv-fault-label")
		if len(labels) != windows || !strings.HasPrefix(labels[0], "stall-disk: disk server-") || !strings.HasSuffix(labels[0], "9.000–18.000 s") {
			t.Errorf("fault labels %q", labels)
		}
		for _, sel := range []string{".cv-fault", ".cv-mark", ".cv-tick-label"} {
			var boxes []box
			if err := p.Eval(boxesJS+"('"+sel+"')", &boxes); err != nil {
				t.Fatal(err)
			}
			for i := range boxes {
				for j := i + 1; j < len(boxes); j++ {
					if boxes[i].overlaps(boxes[j]) {
						t.Errorf("%s %d and %d overlap: %+v %+v", sel, i, j, boxes[i], boxes[j])
					}
				}
			}
		}
		ticks := texts(t, p, ".cv-tick-label")
		if len(ticks) < 50 || ticks[0] != "0 s" || !slices.Contains(ticks, "10 s") || !slices.Contains(ticks, "40 s") {
			t.Errorf("time axis: %d labels %q...", len(ticks), ticks[:min(len(ticks), 8)])
		}
		var widths struct{ Page, Inner, View float64 }
		if err := p.Eval(`({Page: document.documentElement.scrollWidth, Inner: innerWidth, View: document.querySelector('#cv-view').scrollWidth})`, &widths); err != nil {
			t.Fatal(err)
		}
		if widths.Page > widths.Inner || widths.View < 20000 {
			t.Errorf("the page is %g px wide in a %g px window, its view %g px: want only the view to scroll sideways, and it long", widths.Page, widths.Inner, widths.View)
		}
		shot(t, p, "lease-window-default-start")

		// Jump to the first error: the earliest explained anomaly, on screen and marked.
		if err := p.Eval(`document.querySelector('#cv-jump').click()`, nil); err != nil {
			t.Fatal(err)
		}
		focused(t, p, first.OpID)

		// An anomaly in the header links to its operation.
		var linked string
		if err := p.Eval(`(() => {
			const a = document.querySelectorAll('a.cv-op-link')[2]
			a.click()
			return new Promise(r => setTimeout(() => r(a.textContent.split(' ')[0]), 50))
		})()`, &linked); err != nil {
			t.Fatal(err)
		}
		focused(t, p, linked)

		// The overview: a click on the last anomaly's marker shows that moment of the run.
		// (Not a fixed fraction of the run: the overview spans the liveness phase too,
		// where no operation is, and the history cannot scroll past its last one.)
		var at struct{ Marker, Center float64 }
		if err := p.Eval(`(() => {
			const ov = document.querySelector('#cv-overview'), r = ov.getBoundingClientRect()
			const marks = document.querySelectorAll('#cv-overview .cv-ov-anomaly'), m = marks[marks.length - 1].getBoundingClientRect()
			const x = m.left + m.width / 2
			ov.dispatchEvent(new MouseEvent('mousedown', {clientX: x, clientY: r.top + 10}))
			window.dispatchEvent(new MouseEvent('mouseup'))
			const v = document.querySelector('.cv-ov-view').getBoundingClientRect()
			return {Marker: (x - r.left) / r.width, Center: (v.left + v.width / 2 - r.left) / r.width}
		})()`, &at); err != nil {
			t.Fatal(err)
		}
		if at.Center < at.Marker-0.03 || at.Center > at.Marker+0.03 {
			t.Errorf("after a click at %.0f%% of the overview (the last anomaly), the view shows %.0f%% of the run", at.Marker*100, at.Center*100)
		}
	})

	t.Run("op link", func(t *testing.T) {
		p := browser.OpenForTest(t, b, url("default", strings.TrimPrefix(reports.ViewLink("default", last.OpID), reports.ViewFile("default"))))
		noProblems(t, p)
		focused(t, p, last.OpID)
		if n := count(t, p, "rect.history-rect.selected"); n != 1 {
			t.Errorf("%d operations selected in porcupine's view, want the linked one", n)
		}
		shot(t, p, "lease-window-default-op")
	})

	t.Run("consistent", func(t *testing.T) {
		p := browser.OpenForTest(t, b, url("consistent", ""))
		noProblems(t, p)
		verdict := texts(t, p, "#cv-verdict")
		if len(verdict) != 1 || !strings.HasPrefix(verdict[0], "consistent reads are linearizable") {
			t.Errorf("verdict %q", verdict)
		}
		if n := count(t, p, "#cv-bands .cv-band"); n != windows {
			t.Errorf("%d fault bands, want %d", n, windows)
		}
		var disabled bool
		if err := p.Eval(`document.querySelector('#cv-jump').disabled`, &disabled); err != nil || !disabled {
			t.Errorf("jump to first error on a linearizable history: disabled %v, %v", disabled, err)
		}
		shot(t, p, "lease-window-consistent")
	})
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func noProblems(t *testing.T, p *browser.Page) {
	t.Helper()
	if problems, err := p.Problems(); err != nil || len(problems) > 0 {
		t.Errorf("console: %q, %v", problems, err)
	}
}

func texts(t *testing.T, p *browser.Page, sel string) []string {
	t.Helper()
	s, err := p.Text(sel)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t *testing.T, p *browser.Page, sel string) int {
	t.Helper()
	n, err := p.Count(sel)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// focused checks that op is the marked operation and that it is on screen, inside the
// view and clear of the lane names.
func focused(t *testing.T, p *browser.Page, op string) {
	t.Helper()
	var got struct {
		Focused         string
		Op, View, Names box
		InnerW, InnerH  float64
	}
	err := p.Eval(`(() => {
		const b = e => { const r = e.getBoundingClientRect(); return {Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom} }
		const f = document.querySelector('.cv-focus')
		return {Focused: document.body.dataset.focusedOp || '', Op: f ? b(f) : {}, View: b(document.querySelector('#cv-view')),
			Names: b(document.querySelector('#cv-lane-names')), InnerW: innerWidth, InnerH: innerHeight}
	})()`, &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Focused != op {
		t.Fatalf("focused op %q, want %q", got.Focused, op)
	}
	o := got.Op
	if o.Left < got.Names.Right || o.Right > got.View.Right || o.Left < 0 || o.Right > got.InnerW || o.Top < 0 || o.Bottom > got.InnerH {
		t.Errorf("%s is marked at %+v, not on screen inside the view %+v, right of the names %+v (window %gx%g)", op, o, got.View, got.Names, got.InnerW, got.InnerH)
	}
}

// shot renders the window and the whole page, checks both are PNGs of a plausible size,
// and keeps them in $CONSIM_SCREENSHOTS when it is set.
func shot(t *testing.T, p *browser.Page, name string) {
	t.Helper()
	for _, kind := range []string{"window", "page"} {
		var b []byte
		var err error
		if kind == "window" {
			b, err = p.ViewportScreenshot()
		} else {
			b, err = p.Screenshot()
		}
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s %s: not a PNG: %v", name, kind, err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if w != browser.Width || h < 500 || h > 4000 || colors(img) < 16 {
			t.Errorf("%s %s: %dx%d with %d colours: not a page a reader can see", name, kind, w, h, colors(img))
		}
		if dir := os.Getenv("CONSIM_SCREENSHOTS"); dir != "" {
			if err := os.WriteFile(filepath.Join(dir, name+"-"+kind+".png"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// colors counts the distinct colours of a sample of img's pixels: a blank or broken render
// has a handful.
func colors(img image.Image) int {
	seen := map[[4]uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 7 {
		for x := r.Min.X; x < r.Max.X; x += 7 {
			c0, c1, c2, c3 := img.At(x, y).RGBA()
			seen[[4]uint32{c0, c1, c2, c3}] = true
		}
	}
	return len(seen)
}
