package testutil

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFirstDiff(t *testing.T) {
	for _, c := range []struct{ want, got, diff string }{
		{"a\nb", "a\nb", "(equal)"},
		{"a\nb", "a\nc", "line 2:\n- b\n+ c"},
		{"a", "a\nx", "line 2:\n- \n+ x"},
	} {
		if d := FirstDiff(c.want, c.got); d != c.diff {
			t.Errorf("FirstDiff(%q, %q) = %q, want %q", c.want, c.got, d, c.diff)
		}
	}
}

func TestLs(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b", "a"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := Ls(t, dir); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Ls = %v, want [a b]", got)
	}
}

func TestScenario(t *testing.T) {
	if sc := Scenario(t, "baseline"); sc.Name != "baseline" || sc.Cluster.Servers == 0 {
		t.Errorf("got %q with %d servers, want the built-in baseline", sc.Name, sc.Cluster.Servers)
	}
}
