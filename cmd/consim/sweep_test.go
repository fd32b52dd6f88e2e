package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A sweep runs each seed as consim run would (the same stream), removes the run
// directories of passing seeds, keeps those of failing ones, which replay, and exits 1
// when an expectation failed for some seed, with one JUnit suite per seed.
func TestSweep(t *testing.T) {
	needGuest(t)
	dir := t.TempDir()
	small, err := os.ReadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	failing := filepath.Join(dir, "failing.yaml")
	// Gossip converges in about a second: a 10 ms bound fails at every seed.
	if err := os.WriteFile(failing, append(small, "expect:\n  converge_within: 10ms\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	stream := regexp.MustCompile(`stream sha256 ([0-9a-f]{16})`)

	okOut := filepath.Join(dir, "ok")
	r := consim("sweep", "testdata/small.yaml", "--seeds", "2,3", "--parallel", "2", "--out", okOut)
	if r.code != exitOK {
		t.Fatalf("sweep of a passing scenario: %s", r)
	}
	for _, seed := range []string{"2", "3"} {
		run := mustRun(t, "testdata/small.yaml", "--seed", seed)
		sha := stream.FindStringSubmatch(run.stdout)[1]
		if !regexp.MustCompile(`(?m)^seed ` + seed + ` +ok +stream ` + sha + `$`).MatchString(r.stdout) {
			t.Errorf("seed %s: want its line ok with consim run's stream %s:\n%s", seed, sha, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "sweep      small: 2 seeds, 2 ok, 0 failed, 0 undecided, 0 harness failures\n") {
		t.Errorf("no totals line:\n%s", r.stdout)
	}
	if entries, _ := os.ReadDir(okOut); len(entries) != 0 {
		t.Errorf("a passing seed's run directory was kept: %v", entries)
	}

	failOut, junit := filepath.Join(dir, "fail"), filepath.Join(dir, "sweep.xml")
	r = consim("sweep", failing, "--seeds", "1-2", "--out", failOut, "--junit", junit)
	if r.code != exitExpected {
		t.Fatalf("sweep of a failing scenario: exit %d, want %d\n%s", r.code, exitExpected, r)
	}
	if !strings.Contains(r.stderr, "expectations failed for seeds 1, 2") {
		t.Errorf("stderr does not name the failing seeds:\n%s", r.stderr)
	}
	for _, seed := range []string{"1", "2"} {
		line := regexp.MustCompile(`(?m)^seed ` + seed + ` +FAIL +stream ([0-9a-f]{16}) converge_within: 10ms: converged only at .*$`).FindStringSubmatch(r.stdout)
		if line == nil {
			t.Errorf("seed %s: no FAIL line naming converge_within:\n%s", seed, r.stdout)
			continue
		}
		kept := filepath.Join(failOut, "seed-"+seed, "scenario.yaml")
		if !strings.Contains(r.stdout, "reproduce  consim run "+kept+"\n") {
			t.Errorf("seed %s: no reproduce line for %s:\n%s", seed, kept, r.stdout)
		}
		replay := consimRun(t, kept)
		if replay.code != exitExpected || stream.FindStringSubmatch(replay.stdout)[1] != line[1] {
			t.Errorf("seed %s: the kept scenario does not replay the failing run (stream %s):\n%s", seed, line[1], replay)
		}
	}
	x, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(x), `<testsuites tests="4" failures="2" errors="0"`) {
		t.Errorf("JUnit: %v\n%s", err, x)
	}
}
