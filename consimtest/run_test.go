package consimtest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/consimtest"
	"github.com/consim/consim/scenarios"
)

func load(t *testing.T, nameOrPath string) *scenarios.Scenario {
	t.Helper()
	sc, err := consimtest.Load(nameOrPath)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func run(t *testing.T, sc *scenarios.Scenario, opts consimtest.Options) *consimtest.Result {
	t.Helper()
	res, err := consimtest.Run(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A run with a directory writes what `consim run --out` writes, and its scenario.yaml
// replays the run byte for byte.
func TestRunWritesDirAndReplays(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "run")
	first := run(t, load(t, "baseline"), consimtest.Options{Seed: 3, Dir: dir})
	if err := first.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"events.jsonl", "summary.json", "scenario.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	events, _ := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if sha(events) != sha(first.Stream) || sha(first.Stream) != first.Summary.StreamSHA256 {
		t.Errorf("events.jsonl, Result.Stream and the summary's stream_sha256 disagree")
	}
	abs, _ := filepath.Abs(dir)
	if want := "consim run " + filepath.Join(abs, "scenario.yaml"); first.Dir != dir || first.Reproduce != want {
		t.Errorf("Dir %q, Reproduce %q; want %q, %q", first.Dir, first.Reproduce, dir, want)
	}
	if first.Seed != 3 || first.Scenario.Seed != 3 {
		t.Errorf("Seed %d, Scenario.Seed %d: want 3", first.Seed, first.Scenario.Seed)
	}

	// scenario.yaml carries the seed: no option needed to replay.
	again := run(t, load(t, filepath.Join(dir, "scenario.yaml")), consimtest.Options{})
	if sha(again.Stream) != sha(first.Stream) {
		t.Errorf("the replay of %s/scenario.yaml gave stream %s, the run %s", dir, sha(again.Stream)[:16], sha(first.Stream)[:16])
	}
	// The file is the built-in but for its seed, so the name replays it too.
	if want := "consim run baseline --seed 3"; again.Reproduce != want {
		t.Errorf("Reproduce %q, want %q", again.Reproduce, want)
	}
}

// A failed expectation is the Result's, not Run's: Err names it, says bugs were planted,
// and says how to reproduce the run.
func TestErrNamesFailedExpectation(t *testing.T) {
	t.Parallel()
	sc := load(t, "crash-restart")
	sc.Bugs = []string{scenarios.BugStaleAsConsistent}
	res := run(t, sc, consimtest.Options{Seed: 1})
	failed := res.Failed()
	if len(failed) == 0 || failed[0].Name != "consistent: linearizable" {
		t.Fatalf("with %s planted, crash-restart seed 1 failed %v; want consistent: linearizable first", scenarios.BugStaleAsConsistent, failed)
	}
	err := res.Err()
	if err == nil {
		t.Fatal("Err() is nil with a failed expectation")
	}
	t.Logf("Err():\n%v", err)
	for _, want := range []string{
		"consimtest: crash-restart seed 1: ",
		"\n  consistent: linearizable: " + failed[0].Detail,
		"bugs were planted in the nodes of this run (" + scenarios.BugStaleAsConsistent + ")",
		"\nreproduce: consim run SCENARIO.yaml --seed 1 (",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Err() does not say %q:\n%v", want, err)
		}
	}
	if len(sc.Bugs) != 1 || res.Scenario == sc {
		t.Errorf("Run changed or kept the caller's scenario")
	}
}

// A directory that holds somebody else's files is refused before the run.
func TestRunRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := consimtest.Run(context.Background(), load(t, "baseline"), consimtest.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "consimtest: run dir "+dir+" holds files that are not a consim run's (notes.txt)") {
		t.Errorf("Run into a foreign dir: %v", err)
	}
}

// A scenario built or changed in Go is validated like a file.
func TestRunValidates(t *testing.T) {
	sc := load(t, "baseline")
	sc.Cluster.Servers = 0
	_, err := consimtest.Run(context.Background(), sc, consimtest.Options{})
	if err == nil || !strings.Contains(err.Error(), "consimtest: scenario baseline: ") || !strings.Contains(err.Error(), "cluster.servers") {
		t.Errorf("Run of a scenario with no servers: %v", err)
	}
}
