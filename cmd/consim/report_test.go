package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/internal/testutil"
)

// copyFiles copies the named files of src into a new directory and returns it.
func copyFiles(t *testing.T, src string, names ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// `consim report` draws the pages from a saved stream and its scenario alone, nothing
// re-run: from the report's canonical run (reports/testdata/report) it draws exactly the
// golden page, and a view per read mode; no other file is written.
func TestReportRedrawsFromTheStream(t *testing.T) {
	src := filepath.Join("..", "..", "reports", "testdata", "report")
	dir := copyFiles(t, src, "events.jsonl", "scenario.yaml")
	r := consim("report", dir)
	if r.code != exitOK {
		t.Fatalf("consim report: %s", r)
	}
	got, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(src, "report.golden.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("consim report drew a page that is not %s/report.golden.html", src)
	}
	wantFiles := []string{"events.jsonl", "linearizability-consistent.html", "linearizability-default.html", "linearizability-stale.html", "report.html", "scenario.yaml"}
	if names := testutil.Ls(t, dir); strings.Join(names, " ") != strings.Join(wantFiles, " ") {
		t.Errorf("the directory holds %v, want %v", names, wantFiles)
	}
	for _, name := range wantFiles[1:5] {
		if !strings.Contains(r.stdout, "wrote      "+filepath.Join(dir, name)+"\n") {
			t.Errorf("consim report does not say it wrote %s:\n%s", name, r.stdout)
		}
	}
}

// A run's report.html is what `consim report` draws again from its directory, byte for
// byte, the recorded wall time included.
func TestReportMatchesTheRun(t *testing.T) {
	d := smallRun(t)
	dir := copyFiles(t, d.dir, "events.jsonl", "scenario.yaml", "summary.json")
	if r := consim("report", dir); r.code != exitOK {
		t.Fatalf("consim report: %s", r)
	}
	again, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := d.file(t, "report.html")
	if !bytes.Equal(again, page) {
		t.Error("consim report drew a different report.html from the one consim run wrote")
	}
	if !bytes.Contains(page, []byte(" s of wall time")) {
		t.Error("the run's report.html does not give the wall time summary.json recorded")
	}
}

// A directory that is not a run's is refused with exit 2 and a message naming what is
// wrong, and nothing is written into it.
func TestReportBadInput(t *testing.T) {
	empty := t.TempDir()
	broken := t.TempDir()
	os.WriteFile(filepath.Join(broken, "events.jsonl"), []byte("{\"t\":0.000000000,\"type\":\"run_start\"}\nnot json\n"), 0o644)
	noScenario := copyFiles(t, filepath.Join("..", "..", "reports", "testdata", "report"), "events.jsonl")
	badScenario := copyFiles(t, filepath.Join("..", "..", "reports", "testdata", "report"), "events.jsonl")
	os.WriteFile(filepath.Join(badScenario, "scenario.yaml"), []byte("name: x\nduration: soon\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", filepath.Join(empty, "nope")}, "is not a run directory"},
		{[]string{"report", empty}, empty + " is not a run directory"},
		{[]string{"report", broken}, "events.jsonl: line 2"},
		{[]string{"report", noScenario}, noScenario + " is not a run directory"},
		{[]string{"report", badScenario}, "scenario.yaml:2:11: duration"},
		{[]string{"report"}, "report: want 1 argument, got 0"},
		{[]string{"report", empty, empty}, "report: want 1 argument, got 2"},
	} {
		r := consim(tc.args...)
		mustNotCrash(t, strings.Join(tc.args, " "), r)
		if r.code != exitBadInput || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("consim %s: want exit 2 and %q:\n%s", strings.Join(tc.args, " "), tc.want, r)
		}
	}
	for _, dir := range []string{empty, broken, noScenario, badScenario} {
		if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
			t.Errorf("consim report wrote report.html into %s, which is not a run directory", dir)
		}
	}
}
