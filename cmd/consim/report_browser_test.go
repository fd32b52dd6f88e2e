package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/internal/browser"
	"github.com/consim/consim/reports"
)

// ScreenshotDirEnv names a directory where TestReportInABrowser leaves the page's
// screenshot (report-lease-window.png), for a person to look at.
const screenshotDirEnv = "CONSIM_SCREENSHOT_DIR"

// report.html of lease-window (seed 1) in a real headless Chromium: no console error,
// the verdicts and expectations as the run printed them, every plot with the run's four
// fault windows shaded in its SVG, the timeline's fault labels apart from each other as
// the browser draws them, the page no wider than the window, and a full-page PNG of a
// plausible size. Skipped, saying how to install it, without a Chromium
// (internal/browser).
func TestReportInABrowser(t *testing.T) {
	needGuest(t)
	b := browser.ForTest(t)
	d := mustRun(t, "lease-window", "--seed", "1")
	u, err := browser.FileURL(filepath.Join(d.dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	p := browser.OpenForTest(t, b, u)
	problems, err := p.Problems()
	if err != nil || len(problems) != 0 {
		t.Errorf("the page reported problems: %q, %v", problems, err)
	}

	verdicts, err := p.Text(".verdict")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(verdicts, " "); got != "not-linearizable linearizable not-linearizable" {
		t.Errorf("verdicts shown: %q, want default, consistent, stale as the run judged them", got)
	}
	for _, line := range []string{"verdict    default:    not-linearizable", "verdict    consistent: linearizable"} {
		if !strings.Contains(d.stdout, line) {
			t.Fatalf("the run no longer prints %q: the test's expectations are out of date:\n%s", line, d.stdout)
		}
	}
	var failed int
	if err := p.Eval(`document.querySelectorAll('li.expect[data-ok="false"]').length`, &failed); err != nil || failed != 0 {
		t.Errorf("%d expectations shown failed (%v); the run held them all", failed, err)
	}

	// Every time plot shades the four firings (two of stall-disk, two of cut-leader), and
	// its SVG really holds them: translucent fills, as many as the hook says, and a size
	// on the page.
	type fig struct {
		ID            string
		Bands, Fills  int
		Width, Height float64
	}
	var figs []fig
	err = p.Eval(`Array.from(document.querySelectorAll('figure.plot'), f => {
		const svg = f.querySelector('svg'), r = svg.getBoundingClientRect();
		const fills = Array.from(svg.querySelectorAll('path')).filter(e => {
			const o = parseFloat(e.style.fillOpacity); return o > 0 && o < 1 && e.style.fill !== 'none'; });
		return {ID: f.id, Bands: +f.dataset.faultBands, Fills: fills.length, Width: r.width, Height: r.height};
	})`, &figs)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) < 10 {
		t.Errorf("%d plots, want the timeline, 2 per read mode and for the writes, and throughput", len(figs))
	}
	for _, f := range figs {
		want := 4
		if f.ID == "plot-timeline" {
			want = 8 // a band across the lanes and a bar for its label, each
		}
		if f.Bands != 4 || f.Fills != want {
			t.Errorf("%s: data-fault-bands=%d and %d translucent fills in its SVG; want 4 and %d", f.ID, f.Bands, f.Fills, want)
		}
		if f.Width < 600 || f.Height < 100 {
			t.Errorf("%s is drawn %gx%g px", f.ID, f.Width, f.Height)
		}
	}

	// The fault labels of the timeline, as the browser lays the text out, never overlap.
	type box struct {
		Text                     string
		Left, Right, Top, Bottom float64
	}
	var labels []box
	err = p.Eval(`Array.from(document.querySelectorAll('#plot-timeline svg text'))
		.filter(e => /^(stall-disk|cut-leader): /.test(e.textContent))
		.map(e => { const r = e.getBoundingClientRect(); return {Text: e.textContent, Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom}; })`, &labels)
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 4 {
		t.Errorf("%d fault labels in the timeline, want 4: %v", len(labels), labels)
	}
	for i, a := range labels {
		for _, c := range labels[:i] {
			if a.Left < c.Right && c.Left < a.Right && a.Top < c.Bottom && c.Top < a.Bottom {
				t.Errorf("fault labels overlap on the page: %+v and %+v", a, c)
			}
		}
	}

	// Every link of the page is to a file of the run directory, and each anomaly's to its
	// operation in its mode's view.
	var hrefs []string
	if err := p.Eval(`Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))`, &hrefs); err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, h := range hrefs {
		file, frag, _ := strings.Cut(h, "#")
		if _, err := os.Stat(filepath.Join(d.dir, file)); err != nil || strings.Contains(file, "/") {
			t.Errorf("the link %q is not to a file of the run directory: %v", h, err)
		}
		if strings.HasPrefix(frag, "op=") {
			ops++
		}
	}
	var sum reports.Summary
	if err := json.Unmarshal(d.file(t, "summary.json"), &sum); err != nil {
		t.Fatal(err)
	}
	explained := 0
	for _, a := range sum.Anomalies {
		explained += len(a.Examples)
	}
	if explained == 0 || ops != explained {
		t.Errorf("%d links to operations, want one per explained anomaly of summary.json (%d): %q", ops, explained, hrefs)
	}

	var overflow float64
	if err := p.Eval(`document.documentElement.scrollWidth - window.innerWidth`, &overflow); err != nil || overflow > 0 {
		t.Errorf("the page is %g px wider than the window (%v)", overflow, err)
	}

	shot, err := p.Screenshot()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w != browser.Width || h < 4000 || h > 30000 || len(shot) < 100_000 {
		t.Errorf("the page renders to a %dx%d PNG of %d bytes: want %d wide, 4000 to 30000 high, over 100 KB", w, h, len(shot), browser.Width)
	}
	if dir := os.Getenv(screenshotDirEnv); dir != "" {
		path := filepath.Join(dir, "report-lease-window.png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Error(err)
		}
		t.Log(fmt.Sprintf("screenshot (%dx%d) in %s", w, h, path))
	}
}
