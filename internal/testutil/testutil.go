// Package testutil holds the small helpers that tests of several packages share.
package testutil

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/consim/consim/scenarios"
)

// FirstDiff shows the first line where want and got differ, with its line number, or
// "(equal)".
func FirstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return "(equal)"
}

// Ls lists the names in dir, in the order os.ReadDir gives them (by name).
func Ls(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Scenario loads a built-in scenario or a scenario file, failing the test if it does not
// load.
func Scenario(t testing.TB, nameOrPath string) scenarios.Scenario {
	t.Helper()
	sc, _, err := scenarios.Load(nameOrPath)
	if err != nil {
		t.Fatalf("load %s: %v", nameOrPath, err)
	}
	return *sc
}
