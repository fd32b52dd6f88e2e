package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// consim bench writes its three reports and a directory per run, prints a summary, and
// with --compare the change of every cell; an earlier benchmark's directory is taken over
// (its runs that this one has not are removed), anything else refused.
func TestBenchCommand(t *testing.T) {
	needGuest(t)
	dir := filepath.Join(t.TempDir(), "b")
	args := []string{"bench", "testdata/bench-tiny.yaml", "--conditions", "lan", "--rates", "40/s", "--paths", "leader,follower", "--out", dir}
	r := consim(append(args, "--seeds", "1,2")...)
	mustNotCrash(t, "bench", r)
	if r.code != 0 {
		t.Fatalf("consim bench: exit %d\n%s", r.code, r)
	}
	for _, f := range []string{"report.md", "report.json", "report.html", "runs/lan-40rps-seed-1/events.jsonl", "runs/lan-40rps-seed-2/summary.json", "runs/lan-40rps-seed-2/scenario.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("consim bench wrote no %s", f)
		}
	}
	for _, want := range []string{"bench      bench-tiny: 2 runs (1 condition x 1 rate x 2 seeds)", "condition  lan", "consistent over default, RTTs at 40/s: 1.00 leader, 1.00 follower", "report     " + filepath.Join(dir, "report.md")} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// The same benchmark with one seed, into the same directory, compared with the first.
	old := filepath.Join(t.TempDir(), "old.json")
	data, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	os.WriteFile(old, data, 0o644)
	r = consim(append(args, "--seeds", "1", "--compare", old)...)
	if r.code != 0 {
		t.Fatalf("consim bench again: exit %d\n%s", r.code, r)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs/lan-40rps-seed-2")); err == nil {
		t.Error("the earlier benchmark's run of seed 2 was left in the directory")
	}
	for _, want := range []string{"compared with " + old, "- seeds: 1, 2 before, 1 now", "| lan | 40/s | get | default | leader |", "10 cells compared"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--compare printed no %q:\n%s", want, r.stdout)
		}
	}
	// A directory that is not a benchmark's is refused before anything runs.
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644)
	r = consim("bench", "--out", foreign)
	if r.code != 2 || !strings.Contains(r.stderr, "notes.txt, which is not a benchmark's") {
		t.Errorf("--out of a foreign directory: exit %d\n%s", r.code, r)
	}
}
