package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// checkHarnessFailure checks what every harness failure must do: exit 3, nothing on
// stdout, the failure and a last line "reproduce: ..." on stderr, and the stream up to
// the failure saved as events.partial.jsonl, a prefix of the completed run's stream with
// the same seed. It returns stderr.
func checkHarnessFailure(t *testing.T, d runDir, full []byte, wantRepro string, before time.Duration) string {
	t.Helper()
	if d.code != exitHarness {
		t.Fatalf("exit %d, want %d (harness failure):\n%s", d.code, exitHarness, d.result)
	}
	if d.stdout != "" {
		t.Errorf("a failed run printed a summary:\n%s", d.stdout)
	}
	if !strings.HasPrefix(d.stderr, "consim: harness failure: ") && !strings.Contains(d.stderr, "\nconsim: harness failure: ") {
		t.Errorf("stderr does not say it is a harness failure:\n%s", d.stderr)
	}
	if got := lastLine(d.stderr); got != "reproduce: "+wantRepro {
		t.Errorf("last line = %q, want %q", got, "reproduce: "+wantRepro)
	}
	partial := filepath.Join(d.dir, "events.partial.jsonl")
	if !strings.Contains(d.stderr, "the stream up to the failure is in "+partial+"\n") {
		t.Errorf("stderr does not point at %s:\n%s", partial, d.stderr)
	}
	for _, name := range []string{"events.jsonl", "summary.json"} {
		if _, err := os.Stat(filepath.Join(d.dir, name)); err == nil {
			t.Errorf("a failed run wrote %s, as if it had completed", name)
		}
	}
	stream := d.file(t, "events.partial.jsonl")
	if !bytes.HasPrefix(full, stream) {
		sameStream(t, "partial stream against the completed run", full[:min(len(stream), len(full))], stream)
	}
	lines := strings.Split(strings.TrimSuffix(string(stream), "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("partial stream has %d lines", len(lines))
	}
	for i, line := range lines {
		var ev event.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("events.partial.jsonl:%d: %v", i+1, err)
		}
		if i == 0 && ev.Type != event.RunStart {
			t.Errorf("partial stream starts with %s", ev.Type)
		}
		if ev.Type == event.RunEnd {
			t.Errorf("partial stream has a run_end")
		}
		if ev.T.D() > before {
			t.Errorf("partial stream has an event at %s, after the failure at %s", ev.T, before)
		}
	}
	return d.stderr
}

// A world that spins forever is stopped by --wall-timeout and reported as a hang. The limit
// leaves the guest time to reach the hang even on a loaded machine (make test runs the
// simulation tests alongside).
func TestRunHangIsHarnessFailure(t *testing.T) {
	full := smallRun(t).file(t, "events.jsonl")
	d := consimRun(t, "testdata/small.yaml", "--debug-hang-at", "1s", "--wall-timeout", "10s")
	stderr := checkHarnessFailure(t, d, full, "consim run testdata/small.yaml --seed 1 --wall-timeout 10s --debug-hang-at 1s", time.Second)
	for _, want := range []string{"harness failure: hang", "virtual time stopped at 1s", "before the wall-time limit of 10s"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// A world that panics is reported as a crash, with the panic.
func TestRunPanicIsHarnessFailure(t *testing.T) {
	full := smallRun(t).file(t, "events.jsonl")
	d := consimRun(t, "testdata/small.yaml", "--debug-panic-at", "1s")
	stderr := checkHarnessFailure(t, d, full, "consim run testdata/small.yaml --seed 1 --debug-panic-at 1s", 2*time.Second)
	for _, want := range []string{"harness failure: crash", "panic: world: debug panic_at 1s reached (seed 1)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// A run that is merely longer than its wall-time limit is stopped and said to be so, not
// called a hang, and without a dump of raw events.
func TestRunStoppedAtWallTimeLimit(t *testing.T) {
	needGuest(t)
	d := consimRun(t, "baseline", "--wall-timeout", "1s")
	if d.code != exitHarness {
		t.Fatalf("want exit 3: %s", d.result)
	}
	for _, want := range []string{"stopped at its wall-time limit: the run was still going", "raise --wall-timeout", "reproduce: consim run baseline --seed 1 --wall-timeout 1s"} {
		if !strings.Contains(d.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, d.stderr)
		}
	}
	for _, bad := range []string{"hang", "\"type\":\"tick\""} {
		if strings.Contains(d.stderr, bad) {
			t.Errorf("stderr has %q:\n%s", bad, d.stderr)
		}
	}
}
