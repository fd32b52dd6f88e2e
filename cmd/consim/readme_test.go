package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlocks returns the README's console blocks, without their fences.
func readmeBlocks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, part := range strings.Split(string(b), "```console\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		out = append(out, block)
	}
	return out
}

// varies matches what a run prints that depends on the machine or the build: the wall time
// and speed-up, and the stream's hash (its header names the guest build).
var varies = regexp.MustCompile(`(?m)^time       .*$|stream sha256 [0-9a-f]+`)

// The README's tour shows real output: the baseline run it prints is what consim prints
// now (but for the wall time, the stream hash and the run directory), and every line of
// the abridged leader-isolation run is in what consim prints for it.
func TestReadmeTourMatchesARun(t *testing.T) {
	needGuest(t)
	blocks := readmeBlocks(t)
	var baseline, isolation string
	for _, b := range blocks {
		switch {
		case strings.HasPrefix(b, "$ bin/consim run baseline\n"):
			baseline = strings.TrimPrefix(b, "$ bin/consim run baseline\n")
		case strings.HasPrefix(b, "fault      isolate-leader"):
			isolation = b
		}
	}
	if baseline == "" || isolation == "" {
		t.Fatalf("the README's tour blocks are not where this test looks (%d console blocks)", len(blocks))
	}
	dir := filepath.Join(t.TempDir(), "baseline")
	r := consim("run", "baseline", "--out", dir)
	got := strings.Replace(r.stdout, dir, "out/baseline-seed-1", 1)
	if varies.ReplaceAllString(got, "...") != varies.ReplaceAllString(baseline, "...") {
		t.Errorf("the README's baseline run is not what consim prints now; replace it with:\n%s", got)
	}
	r = consim("run", "leader-isolation", "--out", filepath.Join(t.TempDir(), "isolation"))
	for _, line := range strings.Split(strings.TrimSpace(isolation), "\n") {
		if !strings.Contains(r.stdout, line+"\n") {
			t.Errorf("the README's leader-isolation run has a line consim no longer prints:\n%s\nconsim prints:\n%s", line, r.stdout)
		}
	}
}

// The README's discovery and lock examples show real output too: every line of the
// abridged lock-partition run, of the same run with lock_delay 0s, of the
// service-failover run, of the join-monitoring run and of the late-answers run is in what
// consim prints for it now.
func TestReadmeDiscoveryExamplesMatchRuns(t *testing.T) {
	needGuest(t)
	var locks, overlap, failover, joins, late string
	for _, b := range readmeBlocks(t) {
		switch {
		case strings.HasPrefix(b, "verdict    consistent: not-linearizable"):
			late = b
		case strings.HasPrefix(b, "registered "):
			joins = b
		case strings.HasPrefix(b, "locks      "):
			locks = b
		case strings.HasPrefix(b, "OVERLAP    "):
			overlap = b
		case strings.HasPrefix(b, "discovery  "):
			failover = b
		}
	}
	if locks == "" || overlap == "" || failover == "" || joins == "" || late == "" {
		t.Fatal("the README's lock-partition, service-failover, join-monitoring and late-answers blocks are not where this test looks")
	}
	show := consim("scenarios", "show", "lock-partition")
	noDelay := strings.Replace(show.stdout, "lock_delay: 15s", "lock_delay: 0s", 1)
	if noDelay == show.stdout {
		t.Fatal("lock-partition no longer sets lock_delay: 15s; this test makes its lock_delay 0s variant from that line")
	}
	file := filepath.Join(t.TempDir(), "lock-partition-no-delay.yaml")
	if err := os.WriteFile(file, []byte(noDelay), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, block string
		args        []string
	}{
		{"lock-partition", locks, []string{"run", "lock-partition"}},
		{"lock-partition with lock_delay 0s", overlap, []string{"run", file}},
		{"service-failover", failover, []string{"run", "service-failover"}},
		{"join-monitoring", joins, []string{"run", "join-monitoring"}},
		{"late-answers", late, []string{"run", "late-answers"}},
	} {
		r := consim(append(c.args, "--out", filepath.Join(t.TempDir(), "run"))...)
		for _, line := range strings.Split(strings.TrimSpace(c.block), "\n") {
			if !strings.Contains(r.stdout, line+"\n") {
				t.Errorf("the README's %s run has a line consim no longer prints:\n%s\nconsim prints:\n%s", c.name, line, r.stdout)
			}
		}
	}
}
