package browser

import (
	"bytes"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func fileURL(t *testing.T, name string) string {
	t.Helper()
	u, err := FileURL(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPage(t *testing.T) {
	b := ForTest(t)

	t.Run("clean", func(t *testing.T) {
		p := OpenForTest(t, b, fileURL(t, "clean.html")+"#frag=1")
		problems, err := p.Problems()
		if err != nil || len(problems) != 0 {
			t.Fatalf("Problems() = %q, %v; want none (a log and a warning are not problems)", problems, err)
		}
		var ran, hash string
		if err := p.Eval(`document.getElementById("title").dataset.ran`, &ran); err != nil || ran != "yes" {
			t.Errorf("the page's script: dataset.ran = %q, %v", ran, err)
		}
		if err := p.Eval(`location.hash`, &hash); err != nil || hash != "#frag=1" {
			t.Errorf("the fragment: location.hash = %q, %v", hash, err)
		}
		items, err := p.Text("p.item")
		if err != nil || !slices.Equal(items, []string{"one", "two"}) {
			t.Errorf(`Text("p.item") = %q, %v`, items, err)
		}
		if n, err := p.Count("h1"); err != nil || n != 1 {
			t.Errorf(`Count("h1") = %d, %v`, n, err)
		}
		if err := p.Eval(`nosuchname`, nil); err == nil {
			t.Error("Eval of an undefined name: no error")
		}
		shot, err := p.Screenshot()
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatalf("the screenshot is not a PNG: %v", err)
		}
		// The whole page, not the window: 2000 px of #tall plus the text above it.
		if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != Width || h < 2050 {
			t.Errorf("full-page screenshot is %dx%d, want %d wide and over 2050 high", w, h, Width)
		}
	})

	t.Run("broken", func(t *testing.T) {
		p := OpenForTest(t, b, fileURL(t, "broken.html"))
		problems, err := p.Problems()
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(problems, "\n")
		for _, want := range []string{"console.error: went wrong: 42", "undefinedFunctionOfThePage is not defined", "does-not-exist.png"} {
			if !strings.Contains(all, want) {
				t.Errorf("problems lack %q; got:\n%s", want, all)
			}
		}
	})
}
