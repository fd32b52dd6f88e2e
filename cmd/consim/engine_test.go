package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/native"
)

// --engine native runs the world natively: the same command twice gives the same stream,
// its header names the engine and a native build, the reproduce line keeps --engine native
// (a stream replays on the engine that made it), and the run is judged as any other.
func TestRunEngineNative(t *testing.T) {
	needGuest(t)
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err != nil ||
		strings.TrimSpace(string(out)) != native.GoVersion {
		t.Skipf("the native engine is made for %s (this Go: %s, %v); sim/native's TestNativeRefusesOtherGo covers the refusal",
			native.GoVersion, out, err)
	}
	first := mustRun(t, "testdata/small.yaml", "--engine", "native")
	stream := first.file(t, "events.jsonl")
	second := mustRun(t, "testdata/small.yaml", "--engine", "native")
	sameStream(t, "--engine native twice", stream, second.file(t, "events.jsonl"))
	h := header(t, stream)
	if h.Engine != sim.EngineNative || !strings.HasPrefix(h.Build, "native-") {
		t.Errorf("the native run's header does not name the native engine and build: engine %q, build %q", h.Engine, h.Build)
	}
	if got, want := lastLine(first.stdout), "reproduce  consim run testdata/small.yaml --seed 1 --engine native"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
	if sum := decodeSummary(t, first.file(t, "summary.json")); sum["guest_build"] != h.Build {
		t.Errorf("summary.json's guest_build is %v, the stream's build %q", sum["guest_build"], h.Build)
	}
	// The wasm engine's stream for the same seed is another one: the header says which.
	wasm := smallRun(t).file(t, "events.jsonl")
	if hw := header(t, wasm); hw.Engine != "" || strings.HasPrefix(hw.Build, "native-") {
		t.Errorf("the wasm run's header names engine %q, build %q", hw.Engine, hw.Build)
	}
	if bytes.Equal(stream, wasm) {
		t.Error("the native and the wasm streams are the same bytes: the header should at least differ")
	}
}

// An engine that does not exist is bad input: exit 2, the flag and what is allowed, and
// no run directory.
func TestRunEngineUnknown(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	r := consim("run", "testdata/small.yaml", "--engine", "jvm", "--out", dir)
	mustNotCrash(t, "--engine jvm", r)
	if r.code != exitBadInput || !strings.Contains(r.stderr, `--engine "jvm": want wasm (the default) or native`) {
		t.Errorf("--engine jvm: want exit %d and what is allowed, got %s", exitBadInput, r)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("--engine jvm left a run directory behind (%v)", err)
	}
}

// consim sweep --engine native runs each seed natively: the run directory of a failing seed
// holds the native stream that consim run --engine native makes for that seed, and its
// reproduce line keeps --engine native.
func TestSweepEngineNative(t *testing.T) {
	needGuest(t)
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err != nil ||
		strings.TrimSpace(string(out)) != native.GoVersion {
		t.Skipf("the native engine is made for %s (this Go: %s, %v)", native.GoVersion, out, err)
	}
	small, err := os.ReadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	failing := filepath.Join(dir, "failing.yaml")
	if err := os.WriteFile(failing, append(small, "expect:\n  converge_within: 10ms\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "sweep")
	r := consim("sweep", failing, "--seeds", "2", "--engine", "native", "--out", out)
	kept := filepath.Join(out, "seed-2")
	if r.code != exitExpected || !strings.Contains(r.stdout, "reproduce  consim run "+filepath.Join(kept, "scenario.yaml")+" --engine native\n") {
		t.Fatalf("native sweep of a failing scenario: want exit 1 and a reproduce line with --engine native:\n%s", r)
	}
	stream, err := os.ReadFile(filepath.Join(kept, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if h := header(t, stream); h.Engine != sim.EngineNative {
		t.Errorf("the kept stream's header names engine %q", h.Engine)
	}
	replay := consimRun(t, failing, "--seed", "2", "--engine", "native")
	sameStream(t, "sweep and run, native, seed 2", stream, replay.file(t, "events.jsonl"))
}
