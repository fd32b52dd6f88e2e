package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/consim/consim"
)

// modulePath is this repository's module path; the guest is built from its source.
const modulePath = "github.com/consim/consim"

// guestSource is the source the guest is built from: the one embedded in this binary
// (consim.Source), so that the world a binary runs is always the one it was built with,
// wherever the binary is.
var guestSource fs.FS = consim.Source

// guestFiles lists the files of src that go into the guest binary: go.mod, go.sum, every
// non-test .go file outside testdata, and the built-in scenarios (embedded by the
// scenarios package), in lexical order.
func guestFiles(src fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "docs" || name == "out") {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case p == "go.mod", p == "go.sum",
			strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"),
			path.Dir(p) == "scenarios/builtin" && strings.HasSuffix(name, ".yaml"):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sim: list guest source: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

// sourceKey hashes everything that goes into the guest binary: the Go version and every
// file guestFiles lists. It keys the wasm cache, so any edit to those rebuilds the guest,
// and nothing else (run output, tests, docs) does.
func sourceKey(src fs.FS, goVersion string) (string, error) {
	files, err := guestFiles(src)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "go %s\n", goVersion)
	for _, f := range files {
		b, err := fs.ReadFile(src, f)
		if err != nil {
			return "", fmt.Errorf("sim: hash guest source: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// writeSource writes the guest's files of src to dir (created, under the cache, once per
// source key) and returns dir. A directory that exists is complete: it is written under
// another name and renamed into place.
func writeSource(src fs.FS, dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	files, err := guestFiles(src)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("sim: write guest source: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "tmp-")
	if err != nil {
		return "", fmt.Errorf("sim: write guest source: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		b, err := fs.ReadFile(src, f)
		if err != nil {
			return "", fmt.Errorf("sim: write guest source: %w", err)
		}
		p := filepath.Join(tmp, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", fmt.Errorf("sim: write guest source: %w", err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return "", fmt.Errorf("sim: write guest source: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			return dir, nil // another build got there first, with the same files
		}
		return "", fmt.Errorf("sim: write guest source: %w", err)
	}
	return dir, nil
}
