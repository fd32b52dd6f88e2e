package consimtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/scenarios/gen"
)

// shrinkScenario keeps only a simpler scenario that fails the way the original did, tries
// each on three seeds, and leaves the smallest in the file, which replays: here against a
// stand-in for a run that fails "lost_writes: 0" when a crash-majority package is in the
// scenario and the seed is a multiple of 3, and "unexplained_failures: 0" whenever the
// scenario has client agents: a scenario that fails both keeps failing both.
func TestShrinkScenarioKeepsTheSameFailure(t *testing.T) {
	fake := func(sc *scenarios.Scenario) (*Result, error) {
		var xs []reports.Expectation
		crash := false
		for _, f := range sc.Faults {
			crash = crash || strings.HasPrefix(f.Name, gen.KindCrashMajority)
		}
		xs = append(xs, reports.Expectation{Name: "lost_writes: 0", OK: !crash || sc.Seed%3 != 0})
		xs = append(xs, reports.Expectation{Name: "unexplained_failures: 0", OK: sc.Cluster.Clients == 0})
		return &Result{Scenario: sc, Seed: sc.Seed, Summary: reports.Summary{Expectations: xs}}, nil
	}
	setRapidFlag(t, "rapid.checks", "20") // each check shrinks a whole scenario
	rapid.Check(t, func(rt *rapid.T) {
		sc := gen.Scenario(gen.Options{Kinds: []string{gen.KindCrash, gen.KindCrashMajority, gen.KindPause}}).Draw(rt, "scenario")
		sc.Seed = sc.Seed - sc.Seed%3 + 3 // fails on its own seed
		if res, _ := fake(sc); len(res.Failed()) == 0 || res.Failed()[0].Name != "lost_writes: 0" {
			rt.Skip("no crash-majority")
		}
		file := filepath.Join(t.TempDir(), "failing.yaml")
		if err := WriteFile(file, sc.Canonical()); err != nil {
			rt.Fatal(err)
		}
		var runs atomic.Int64
		err := shrinkScenario(context.Background(), file, time.Now().Add(time.Minute), 2, fake, func(*Result, bool) { runs.Add(1) })
		if err != nil {
			rt.Fatal(err)
		}
		got, err := Load(file)
		if err != nil {
			rt.Fatal(err)
		}
		res, _ := fake(got)
		if !strings.Contains(res.failures(), "lost_writes: 0") || sc.Cluster.Clients > 0 && got.Cluster.Clients == 0 {
			rt.Fatalf("the file no longer fails the same way:\n%s", got.Canonical())
		}
		for _, f := range got.Faults {
			if !strings.HasPrefix(f.Name, gen.KindCrashMajority) {
				rt.Fatalf("kept a fault that does not matter, %s, after %d runs:\n%s", f.Name, runs.Load(), got.Canonical())
			}
		}
		if got.Cluster.Servers != 1 && got.Cluster.Servers >= sc.Cluster.Servers && sc.Cluster.Servers > 3 {
			rt.Fatalf("kept %d servers:\n%s", got.Cluster.Servers, got.Canonical())
		}
	})
}

// A harness failure shrinks only to another harness failure: a run that completes, even
// one that fails an expectation, is not the same failure.
func TestShrinkScenarioKeepsAHarnessFailure(t *testing.T) {
	sc := gen.Scenario(gen.Options{Kinds: []string{gen.KindCrash}}).Example(3)
	file := filepath.Join(t.TempDir(), "failing.yaml")
	if err := WriteFile(file, sc.Canonical()); err != nil {
		t.Fatal(err)
	}
	want := string(sc.Canonical())
	// The file's own run is a harness failure; every smaller one completes.
	original := true
	run := func(c *scenarios.Scenario) (*Result, error) {
		if original {
			original = false
			return nil, errors.New("harness failure")
		}
		xs := []reports.Expectation{{Name: "lost_writes: 0", OK: false}}
		return &Result{Scenario: c, Seed: c.Seed, Summary: reports.Summary{Expectations: xs}}, nil
	}
	if err := shrinkScenario(context.Background(), file, time.Now().Add(time.Minute), 1, run, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("a harness failure shrank to a run that completed:\n%s", got)
	}
}
