package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/build"
	"io"
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

// guestPackage is the guest's main package, from the module root.
const guestPackage = "cmd/simworld"

// guestFiles lists the files of src that go into the guest binary, in lexical order:
// go.mod, go.sum, and the Go files (and files they embed) of every package of this module
// that cmd/simworld imports, directly or not, as built for wasip1 (build constraints
// applied; no test files). A host-only edit (the checker, the CLI, the YAML parser) so
// leaves the guest, and every stream's build hash, as it is.
func guestFiles(src fs.FS) ([]string, error) {
	return packageFiles(src, guestPackage, "wasip1", "wasm", false)
}

// packageFiles lists go.mod, go.sum and the files of root and of every package of this
// module it imports, as built for goos/goarch, with root's test files when tests is set.
func packageFiles(src fs.FS, root, goos, goarch string, tests bool) ([]string, error) {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = goos, goarch, false
	ctx.GOROOT, ctx.GOPATH = "", ""
	ctx.JoinPath = path.Join
	ctx.IsAbsPath = func(string) bool { return false }
	ctx.IsDir = func(p string) bool {
		fi, err := fs.Stat(src, p)
		return err == nil && fi.IsDir()
	}
	ctx.HasSubdir = func(root, dir string) (string, bool) { return "", false }
	ctx.ReadDir = func(dir string) ([]fs.FileInfo, error) {
		entries, err := fs.ReadDir(src, dir)
		if err != nil {
			return nil, err
		}
		infos := make([]fs.FileInfo, 0, len(entries))
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil {
				return nil, err
			}
			infos = append(infos, fi)
		}
		return infos, nil
	}
	ctx.OpenFile = func(p string) (io.ReadCloser, error) { return src.Open(p) }

	files := []string{"go.mod", "go.sum"}
	seen := map[string]bool{}
	queue := []string{root}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		if seen[dir] {
			continue
		}
		seen[dir] = true
		pkg, err := ctx.ImportDir(dir, 0)
		if err != nil {
			return nil, fmt.Errorf("sim: list guest source: package %s: %w", dir, err)
		}
		goFiles, imports := pkg.GoFiles, pkg.Imports
		if tests && dir == root {
			goFiles = append(goFiles, pkg.TestGoFiles...)
			imports = append(imports, pkg.TestImports...)
		}
		for _, f := range goFiles {
			files = append(files, path.Join(dir, f))
		}
		for _, pat := range pkg.EmbedPatterns {
			matches, err := fs.Glob(src, path.Join(dir, pat))
			if err != nil {
				return nil, fmt.Errorf("sim: list guest source: %s: embed %s: %w", dir, pat, err)
			}
			files = append(files, matches...)
		}
		for _, imp := range imports {
			if rel, ok := strings.CutPrefix(imp, modulePath+"/"); ok {
				queue = append(queue, rel)
			}
		}
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
	return filesKey(src, files, goVersion)
}

// filesKey hashes goVersion and files of src.
func filesKey(src fs.FS, files []string, goVersion string) (string, error) {
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
	return writeFiles(src, files, dir)
}

// writeFiles writes files of src to dir, as writeSource does.
func writeFiles(src fs.FS, files []string, dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
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
