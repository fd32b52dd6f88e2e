package native

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every edit applies once to this machine's runtime, when it is the release the overlay
// was made for, and the overlay file names each changed file and the added one.
func TestWriteAppliesEveryEdit(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	goroot, version, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if version != GoVersion {
		t.Skipf("the overlay is made for %s; this Go is %s", GoVersion, version)
	}
	dir := t.TempDir()
	path, err := Write(goroot, version, dir)
	if err != nil {
		t.Fatal(err)
	}
	var o struct{ Replace map[string]string }
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	for _, e := range Edits {
		got, err := os.ReadFile(o.Replace[filepath.Join(goroot, "src", "runtime", e.File)])
		if err != nil {
			t.Fatalf("%s: %v", e.File, err)
		}
		if strings.Count(string(got), e.New) != 1 {
			t.Errorf("%s: the edit's new text is not there once: %q", e.File, e.New)
		}
	}
	if got, err := os.ReadFile(o.Replace[filepath.Join(goroot, "src", "runtime", AddedFile)]); err != nil || string(got) != Added() {
		t.Errorf("the added file is not in the overlay as is: %v", err)
	}
}

// Another Go release, or a runtime whose text an edit does not find, is refused with what
// to do.
func TestWriteRefuses(t *testing.T) {
	if _, err := Write(t.TempDir(), "go1.27.0", t.TempDir()); err == nil ||
		!strings.Contains(err.Error(), "made for "+GoVersion) || !strings.Contains(err.Error(), "go1.27.0") ||
		!strings.Contains(err.Error(), "--engine wasm") {
		t.Errorf("go1.27.0: got %v", err)
	}
	fake := t.TempDir()
	rt := filepath.Join(fake, "src", "runtime")
	os.MkdirAll(rt, 0o755)
	for _, e := range Edits {
		os.WriteFile(filepath.Join(rt, e.File), []byte("package runtime\n"), 0o644)
	}
	_, err := Write(fake, GoVersion, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "matches 0 times") {
		t.Errorf("a runtime without the edited text: got %v", err)
	}
}

// docs/native-engine.md shows every line the overlay adds to a stock file, as a diff line:
// an edit that changes goes into the doc too.
func TestDocListsEveryEdit(t *testing.T) {
	b, err := os.ReadFile("../../docs/native-engine.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for i, e := range Edits {
		old := map[string]bool{}
		for _, l := range strings.Split(e.Old, "\n") {
			old[l] = true
		}
		for _, l := range strings.Split(strings.TrimRight(e.New, "\n"), "\n") {
			if old[l] {
				continue
			}
			if want := "+" + strings.ReplaceAll(l, "\t", "    ") + "\n"; !strings.Contains(doc, want) {
				t.Errorf("edit %d (%s): docs/native-engine.md lacks the added line %q", i+1, e.File, want)
			}
		}
		if !strings.Contains(doc, e.Why) {
			t.Errorf("edit %d (%s): docs/native-engine.md lacks its reason %q", i+1, e.File, e.Why)
		}
	}
}
