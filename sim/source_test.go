package sim

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// The guest cache key follows exactly what the guest is built from: a run directory, a
// test or a doc must not rebuild the guest (a rebuild changes the build hash in the
// stream header), and a source or embedded-scenario edit must.
func TestSourceKeyTracksGuestInputsOnly(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.mod":                      "module " + modulePath + "\n",
		"go.sum":                      "",
		"node/agent.go":               "package node\n",
		"scenarios/builtin/base.yaml": "name: base\n",
	})
	key := func() string {
		k, err := sourceKey(os.DirFS(root), "go1.26")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key()
	writeTree(t, root, map[string]string{
		"out/base-seed-1/scenario.yaml": "name: base\n",
		"node/agent_test.go":            "package node\n",
		"docs/x.md":                     "x",
		"testdata/x.go":                 "package x\n",
		"scenarios/testdata/bad.yaml":   "x",
	})
	if k := key(); k != base {
		t.Fatal("run output, tests, docs or testdata changed the guest key")
	}
	for _, edit := range []map[string]string{
		{"node/agent.go": "package node // edited\n"},
		{"scenarios/builtin/base.yaml": "name: base # edited\n"},
		{"netmodel/new.go": "package netmodel\n"},
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
