package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/internal/browser"
)

// The view of a run whose every name is hostile, in a real browser: nothing runs, every
// name shows as text, and #op= finds an operation whose id needs escaping in a URL.
func TestViewInBrowserShowsHostileNamesAsText(t *testing.T) {
	b := browser.ForTest(t)
	dir := t.TempDir()
	file := filepath.Join(dir, ViewFile("stale"))
	if err := os.WriteFile(file, hostileView(t, "stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	u, err := browser.FileURL(file)
	if err != nil {
		t.Fatal(err)
	}
	_, frag, _ := strings.Cut(ViewLink("stale", hostileOp), "#")
	p := browser.OpenForTest(t, b, u+"#"+frag)
	if problems, err := p.Problems(); err != nil || len(problems) > 0 {
		t.Fatalf("console: %q, %v", problems, err)
	}
	var got struct {
		Pwned       bool     `json:"pwned"`
		Images      int      `json:"images"`
		Heading     string   `json:"heading"`
		Lanes       []string `json:"lanes"`
		Fault       string   `json:"fault"`
		FaultTitle  string   `json:"faultTitle"`
		Marks       []string `json:"marks"`
		Focused     string   `json:"focused"`
		FocusMarks  int      `json:"focusMarks"`
		Tooltip     string   `json:"tooltip"`
		Selected    int      `json:"selected"`
		Anomalies   int      `json:"anomalies"`
		DocumentTtl string   `json:"documentTitle"`
	}
	err = p.Eval(`({
		pwned: window.pwned === 1,
		images: document.images.length,
		heading: document.querySelector('h1').textContent,
		lanes: Array.from(document.querySelectorAll('#cv-lane-names div'), e => e.textContent),
		fault: document.querySelector('.cv-fault-label').textContent,
		faultTitle: document.querySelector('.cv-fault title').textContent,
		marks: Array.from(document.querySelectorAll('.cv-mark-label'), e => e.textContent),
		focused: document.body.dataset.focusedOp,
		focusMarks: document.querySelectorAll('.cv-focus').length,
		tooltip: document.querySelector('.tooltip').textContent,
		selected: document.querySelectorAll('rect.history-rect.selected').length,
		anomalies: document.querySelectorAll('.cv-anomaly').length,
		documentTitle: document.title,
	})`, &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Pwned || got.Images != 0 {
		t.Fatalf("hostile markup ran (pwned %v, %d images)", got.Pwned, got.Images)
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"the heading names the scenario as text: " + got.Heading, strings.Contains(got.Heading, hostileScenario)},
		{"the title names the scenario as text: " + got.DocumentTtl, strings.Contains(got.DocumentTtl, hostileScenario)},
		{"lanes " + strings.Join(got.Lanes, " | "), strings.Join(got.Lanes, "|") == "c1|"+hostileClient},
		{"the fault label: " + got.Fault, strings.HasPrefix(got.Fault, hostileFault+": isolate "+hostileNode)},
		{"the fault's tooltip: " + got.FaultTitle, strings.Contains(got.FaultTitle, `{name: cut, isolate: "<b>x</b>"}`)},
		{"marks " + strings.Join(got.Marks, " | "), strings.Join(got.Marks, "|") == hostileNode+" leads term 2|"+hostileNode+" down (crash)"},
		{"focused op " + got.Focused, got.Focused == hostileOp && got.FocusMarks == 1 && got.Selected == 1},
		{"porcupine's tooltip for the op: " + got.Tooltip, strings.HasPrefix(got.Tooltip, hostileOp+" by "+hostileClient+" via "+hostileNode)},
		{"the anomaly outlined", got.Anomalies == 1},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("wrong: %s", c.what)
		}
	}

	// An op id that is not in the view says so, and focuses nothing.
	if err := p.Eval(`location.hash = 'op=' + encodeURIComponent('c9-9'); 0`, nil); err != nil {
		t.Fatal(err)
	}
	var notice string
	if err := p.Eval(`new Promise(r => setTimeout(() => r(document.querySelector('#cv-notice').textContent), 50))`, &notice); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "c9-9 is not in this view") {
		t.Errorf("#op=c9-9: notice %q", notice)
	}
}
