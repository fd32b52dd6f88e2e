package consimtest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/scenarios"
)

// Run's copy of a scenario is the scenario (the copy goes through JSON, as the world's
// input does), and every built-in as loaded is recognized as one, so its name replays it.
func TestPrepareKeepsBuiltins(t *testing.T) {
	for _, name := range scenarios.Builtins() {
		sc, _, err := scenarios.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		run, err := prepare(sc, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(run.Canonical(), sc.Canonical()) {
			t.Errorf("%s: the copy differs:\n%s\nwant\n%s", name, run.Canonical(), sc.Canonical())
		}
		if got := reproduce(run, Options{}); !strings.HasPrefix(got, "consim run "+name+" --seed ") {
			t.Errorf("%s: reproduce %q", name, got)
		}
	}
}

// A built-in changed in Go is not the built-in: its name would replay something else.
func TestReproduceChangedBuiltin(t *testing.T) {
	sc, _, err := scenarios.Load("crash-restart")
	if err != nil {
		t.Fatal(err)
	}
	sc.Bugs = []string{scenarios.BugStaleAsConsistent}
	got := reproduce(sc, Options{WallTimeout: 90 * time.Second})
	want := "consim run SCENARIO.yaml --seed 1 --wall-timeout 1m30s (SCENARIO.yaml:"
	if !strings.HasPrefix(got, want) {
		t.Errorf("reproduce %q, want %q...", got, want)
	}
}
