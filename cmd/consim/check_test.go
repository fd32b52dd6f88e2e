package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A failed expectation is exit 1, naming it, with a reproduction line; the summary lists
// every expectation with its outcome.
func TestRunExpectationFailedIsExit1(t *testing.T) {
	needGuest(t)
	d := consimRun(t, "testdata/expect-fail.yaml")
	if d.code != exitExpected {
		t.Fatalf("want exit 1: %s", d.result)
	}
	for _, want := range []string{"1 of 3 expectations failed", "converge_within: 1ms: converged only at", "reproduce: consim run testdata/expect-fail.yaml --seed 1"} {
		if !strings.Contains(d.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, d.stderr)
		}
	}
	for _, want := range []string{"expect     FAIL converge_within: 1ms", "expect     ok   max_elections: 1"} {
		if !strings.Contains(d.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, d.stdout)
		}
	}
	if s := string(d.file(t, "summary.json")); !strings.Contains(s, `"expectations"`) || !strings.Contains(s, `"ok": false`) {
		t.Errorf("summary.json lacks the expectations:\n%s", s)
	}
}

// consim check re-derives a saved run's summary and expectations from its stream alone,
// agrees with the run, and notices a summary that does not match the stream.
func TestCheckRederivesTheRun(t *testing.T) {
	d := smallRun(t)
	r := consim("check", d.dir)
	if r.code != exitOK || !strings.Contains(r.stdout, "check      matches") {
		t.Fatalf("check of a healthy run: %s", r)
	}
	failing := consimRun(t, "testdata/expect-fail.yaml")
	if r := consim("check", failing.dir); r.code != exitExpected || !strings.Contains(r.stderr, "converge_within: 1ms") {
		t.Errorf("check of a run whose expectation failed: %s", r)
	}

	// A copy whose summary was edited: check must say it disagrees.
	tampered := filepath.Join(t.TempDir(), "tampered")
	os.MkdirAll(tampered, 0o755)
	for _, name := range []string{"events.jsonl", "scenario.yaml"} {
		os.WriteFile(filepath.Join(tampered, name), d.file(t, name), 0o644)
	}
	sum := strings.Replace(string(d.file(t, "summary.json")), `"leader_elections": 1`, `"leader_elections": 2`, 1)
	os.WriteFile(filepath.Join(tampered, "summary.json"), []byte(sum), 0o644)
	if r := consim("check", tampered); r.code != exitExpected || !strings.Contains(r.stderr, "disagrees") ||
		!strings.Contains(r.stderr, "leader_elections: saved 2, now 1") {
		t.Errorf("check of an edited summary must name the field: %s", r)
	}

	// A copy whose stream was edited: a stream that changed since the run.
	edited := filepath.Join(t.TempDir(), "edited")
	os.MkdirAll(edited, 0o755)
	stream := strings.Replace(string(d.file(t, "events.jsonl")), `"type":"tick"`, `"type":"tick" `, 1)
	os.WriteFile(filepath.Join(edited, "events.jsonl"), []byte(stream), 0o644)
	for _, name := range []string{"summary.json", "scenario.yaml"} {
		os.WriteFile(filepath.Join(edited, name), d.file(t, name), 0o644)
	}
	if r := consim("check", edited); r.code != exitExpected || !strings.Contains(r.stderr, "events.jsonl has changed since the run: its sha256 is") {
		t.Errorf("check of an edited stream: %s", r)
	}

	// Without summary.json there is nothing to compare, and check says so.
	bare := filepath.Join(t.TempDir(), "bare")
	os.MkdirAll(bare, 0o755)
	for _, name := range []string{"events.jsonl", "scenario.yaml"} {
		os.WriteFile(filepath.Join(bare, name), d.file(t, name), 0o644)
	}
	if r := consim("check", bare); r.code != exitOK || !strings.Contains(r.stdout, "check      nothing compared: "+bare+" has no summary.json") {
		t.Errorf("check of a run dir without summary.json: %s", r)
	}

	if r := consim("run", d.dir); r.code != exitBadInput || !strings.Contains(r.stderr, "to replay the run it holds, give its scenario file: "+d.dir+"/scenario.yaml") {
		t.Errorf("run of a run directory must point at its scenario.yaml: %s", r)
	}
	if r := consim("check", t.TempDir()); r.code != exitBadInput || !strings.Contains(r.stderr, "is not a run directory") {
		t.Errorf("check of an empty directory: %s", r)
	}
	broken := filepath.Join(t.TempDir(), "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, "events.jsonl"), []byte("{\"t\":0.000000000,\"type\":\"run_start\"}\nnot json\n"), 0o644)
	if r := consim("check", broken); r.code != exitBadInput || !strings.Contains(r.stderr, "line 2") {
		t.Errorf("check of a corrupt stream: %s", r)
	}
}

// A checker that runs out of time decides nothing: the expectation is undecided, printed as
// a checker limit, in summary.json as such, and the exit is 4, not 1; `consim check` agrees.
func TestUndecidedIsExit4(t *testing.T) {
	needGuest(t)
	d := consimRun(t, "testdata/undecided.yaml")
	if d.code != exitUndecided {
		t.Fatalf("want exit 4: %s", d.result)
	}
	for _, want := range []string{"1 of 2 expectations undecided: the checker reached its limit", "not an anomaly", "raise expect.check_timeout", "reproduce: consim run testdata/undecided.yaml --seed 1"} {
		if !strings.Contains(d.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, d.stderr)
		}
	}
	if strings.Contains(d.stderr, "expectations failed") {
		t.Errorf("stderr calls an undecided expectation failed:\n%s", d.stderr)
	}
	for _, want := range []string{"expect     LIMIT consistent: linearizable (undecided: checker limit", "consistent: unknown ("} {
		if !strings.Contains(d.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, d.stdout)
		}
	}
	if s := string(d.file(t, "summary.json")); !strings.Contains(s, `"undecided": true`) || !strings.Contains(s, `"key_timeout_seconds": 1e-9`) {
		t.Errorf("summary.json does not mark the expectation undecided:\n%s", s)
	}
	if r := consim("check", d.dir); r.code != exitUndecided {
		t.Errorf("check of an undecided run: %s", r)
	}
}
