package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A consim binary works anywhere, with no checkout beside it: built with -trimpath (as go
// install builds it) into a temporary directory and run from another one, it runs a
// built-in and a scenario file. Without a Go toolchain, and nothing in its cache, it says
// what to do, with exit 2.
func TestBinaryRunsAwayFromItsSource(t *testing.T) {
	needGuest(t)
	bin := filepath.Join(t.TempDir(), "consim")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	elsewhere := t.TempDir()
	scenario := filepath.Join(elsewhere, "mine.yaml")
	if err := os.WriteFile(scenario, []byte("name: mine\nduration: 3s\ncluster: {servers: 1, clients: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"baseline", scenario} {
		cmd := exec.Command(bin, "run", arg, "--out", filepath.Join(elsewhere, "run-"+filepath.Base(arg)))
		cmd.Dir = elsewhere
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "expect     ok   liveness") {
			t.Errorf("consim run %s from %s: %v\n%s", arg, elsewhere, err, out)
		}
	}

	// No Go toolchain and an empty cache: a setup error that says what to do.
	cmd := exec.Command(bin, "run", "baseline", "--out", filepath.Join(elsewhere, "no-go"))
	cmd.Dir = elsewhere
	cmd.Env = []string{"PATH=" + t.TempDir(), "HOME=" + elsewhere, "CONSIM_CACHE=" + filepath.Join(elsewhere, "empty-cache")}
	out, err := cmd.CombinedOutput()
	if code := exitCode(err); code != exitBadInput {
		t.Errorf("without Go: exit %d, want 2:\n%s", code, out)
	}
	for _, want := range []string{"no `go` command on PATH", "install Go 1.26 or later"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("without Go, the message lacks %q:\n%s", want, out)
		}
	}
	mustNotCrash(t, "without Go", result{stdout: string(out)})
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
