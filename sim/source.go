package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
)

// modulePath is this repository's module path; the guest is built from its source.
const modulePath = "github.com/consim/consim"

// findSource returns the root of consim's source tree, which the guest is built from.
// In order: $CONSIM_SOURCE; the directory this file was compiled from (a binary built
// without -trimpath, like `make build` makes, and every `go test`); the nearest go.mod
// for this module above the working directory.
func findSource() (string, error) {
	if dir := os.Getenv("CONSIM_SOURCE"); dir != "" {
		if isModuleRoot(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("sim: CONSIM_SOURCE=%s is not the root of %s (no matching go.mod)", dir, modulePath)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		if dir := filepath.Dir(filepath.Dir(file)); isModuleRoot(dir) {
			return dir, nil
		}
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if isModuleRoot(dir) {
				return dir, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", errors.New("sim: cannot find consim's source to build the guest: run from a checkout or set CONSIM_SOURCE to one")
}

func isModuleRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	return strings.TrimSpace(string(first)) == "module "+modulePath
}

// embedDirs are the directories whose files the guest embeds (go:embed). Keep this in
// step with the embed directives of packages the guest links.
var embedDirs = []string{"scenarios/builtin"}

// sourceKey hashes everything that goes into the guest binary: the Go version, go.mod,
// go.sum, every non-test .go file and every embedded file. It keys the wasm cache, so an
// edit to any of those rebuilds the guest, and nothing else (run output, tests, docs)
// does.
func sourceKey(root, goVersion string) (string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin" || name == "docs") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case rel == "go.mod", rel == "go.sum",
			strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"),
			slices.Contains(embedDirs, filepath.ToSlash(filepath.Dir(rel))):
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("sim: hash guest source: %w", err)
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "go %s\n", goVersion)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("sim: hash guest source: %w", err)
		}
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
