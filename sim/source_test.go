package sim

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The guest cache key follows exactly what the guest is built from: the packages
// cmd/simworld imports, as built for wasip1. A run directory, a test, a doc or a host-only
// package (the checker, a file for the host only) must not rebuild the guest (a rebuild
// changes the build hash in the stream header); an edit of what the guest links must.
func TestSourceKeyTracksGuestInputsOnly(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod":                  "module " + modulePath + "\n",
		"go.sum":                  "",
		"cmd/simworld/main.go":    "package main\n\nimport _ \"" + modulePath + "/node\"\n\nfunc main() {}\n",
		"node/agent.go":           "package node\n\nimport _ \"" + modulePath + "/scenarios\"\n",
		"scenarios/types.go":      "package scenarios\n",
		"scenarios/parse.go":      "//go:build !wasip1\n\npackage scenarios\n",
		"scenarios/builtin/a.yml": "name: a\n",
		"checker/check.go":        "package checker\n",
	})
	key := func() string {
		k, err := sourceKey(os.DirFS(root), "go1.26")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	files, err := guestFiles(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"cmd/simworld/main.go", "go.mod", "go.sum", "node/agent.go", "scenarios/types.go"}; !slices.Equal(files, want) {
		t.Errorf("guest files %v, want %v", files, want)
	}
	base := key()
	writeTree(t, root, map[string]string{
		"out/base-seed-1/scenario.yaml": "name: base\n",
		"node/agent_test.go":            "package node\n",
		"docs/x.md":                     "x",
		"testdata/x.go":                 "package x\n",
		"checker/check.go":              "package checker // edited\n",
		"scenarios/parse.go":            "//go:build !wasip1\n\npackage scenarios // edited\n",
		"scenarios/builtin/a.yml":       "name: a # edited\n",
	})
	if k := key(); k != base {
		t.Fatal("run output, tests, docs, testdata or host-only code changed the guest key")
	}
	for _, edit := range []map[string]string{
		{"node/agent.go": "package node // edited\n\nimport _ \"" + modulePath + "/scenarios\"\n"},
		{"scenarios/types.go": "package scenarios // edited\n"},
		{"scenarios/new.go": "package scenarios\n"},
		{"go.sum": "x"},
	} {
		before := key()
		writeTree(t, root, edit)
		if key() == before {
			t.Errorf("edit %v did not change the guest key", edit)
		}
	}
	if k, _ := sourceKey(os.DirFS(root), "go1.27"); k == key() {
		t.Error("the Go version is not part of the key")
	}
}

// Guest builds must be reproducible: the build hash is in every stream header, so a
// build that depended on where the cache lives (or on a temporary directory's name)
// would make the same seed give different streams on two machines.
func TestGuestBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the guest twice")
	}
	var wasm [2][]byte
	for i := range wasm {
		cache := filepath.Join(t.TempDir(), fmt.Sprintf("cache-%d", i))
		root, err := writeSource(guestSource, filepath.Join(cache, "source"))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(cache, "guest.wasm")
		if err := buildWasm(context.Background(), root, cache, out); err != nil {
			t.Fatal(err)
		}
		if wasm[i], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(wasm[0], wasm[1]) {
		t.Fatalf("two builds of the same source in different cache directories differ (%s vs %s)",
			newGuest(wasm[0], "").Hash, newGuest(wasm[1], "").Hash)
	}
}

// The guest of this module: the world and what it runs, not the host's packages or the
// YAML side of scenarios.
func TestGuestFilesOfThisModule(t *testing.T) {
	files, err := guestFiles(guestSource)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cmd/simworld/main.go", "sim/world/world.go", "node/agent.go", "netmodel/network.go", "scenarios/schedule.go"} {
		if !slices.Contains(files, want) {
			t.Errorf("guest files lack %s", want)
		}
	}
	for _, f := range files {
		for _, host := range []string{"checker/", "reports/", "cmd/consim/", "sim/source.go", "scenarios/parse.go", "scenarios/builtin/"} {
			if strings.HasPrefix(f, host) {
				t.Errorf("guest files hold %s, which is host-side", f)
			}
		}
	}
}
