package consimtest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/consim/consim/consimtest"
	"github.com/consim/consim/internal/testutil"
)

// A run may write into a new directory, an empty one, or an earlier run's; not into one
// with anything else in it.
func TestClaimRunDir(t *testing.T) {
	root := t.TempDir()
	if err := consimtest.ClaimRunDir(filepath.Join(root, "new")); err != nil {
		t.Errorf("a new directory: %v", err)
	}
	if err := consimtest.ClaimRunDir(root); err != nil {
		t.Errorf("an empty directory: %v", err)
	}
	earlier := map[string][]byte{"events.jsonl": nil, "summary.json": nil, "scenario.yaml": nil, "linearizability-stale.html": nil, "report.html": nil}
	if err := consimtest.WriteRunDir(root, earlier); err != nil {
		t.Fatal(err)
	}
	if err := consimtest.ClaimRunDir(root); err != nil {
		t.Errorf("an earlier run's directory: %v", err)
	}
	for _, name := range []string{"a.txt", "b.txt", "c.txt", "d.txt"} {
		os.WriteFile(filepath.Join(root, name), nil, 0o644)
	}
	err := consimtest.ClaimRunDir(root)
	if want := root + " holds files that are not a consim run's (a.txt, b.txt, c.txt, ...)"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("a directory with other files: %v; want %q...", err, want)
	}
}

// WriteRunDir replaces an earlier run's files, removes those the new run does not have,
// leaves everything else alone, and leaves no temporary file behind.
func TestWriteRunDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	earlier := map[string][]byte{"events.partial.jsonl": []byte("x"), "linearizability-stale.html": []byte("x"), "report.html": []byte("x"), "scenario.yaml": []byte("old")}
	if err := consimtest.WriteRunDir(dir, earlier); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644)
	if err := consimtest.WriteRunDir(dir, map[string][]byte{"events.jsonl": []byte("e"), "scenario.yaml": []byte("new")}); err != nil {
		t.Fatal(err)
	}
	if got, want := testutil.Ls(t, dir), []string{"events.jsonl", "notes.txt", "scenario.yaml"}; !slices.Equal(got, want) {
		t.Errorf("the directory holds %v, want %v", got, want)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "scenario.yaml"))
	info, err := os.Stat(filepath.Join(dir, "scenario.yaml"))
	if err != nil || string(b) != "new" || info.Mode().Perm() != 0o644 {
		t.Errorf("scenario.yaml: %q, %v, %v; want \"new\" with mode 0644", b, info.Mode(), err)
	}
}
