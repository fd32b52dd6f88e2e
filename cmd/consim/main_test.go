package main

import (
	"bytes"
	"flag"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/consim/consim/sim"
)

var update = flag.Bool("update", false, "rewrite testdata/transcript.txt from what the commands print now")

func TestMain(m *testing.M) {
	// As in main: runs go to worker processes (this test binary, re-executed), so the
	// tests run the guest the way the CLI does. A worker exits here.
	sim.Main()
	flag.Parse()
	code := m.Run()
	fixtures.cleanup()
	os.Exit(code)
}

// result is what one command line did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
}

// consim runs one command line through run, as main would, and captures its output.
func consim(args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mustNotCrash fails the test if the output shows a Go stack trace or panic: a user's
// mistake gets a message, never a trace.
func mustNotCrash(t *testing.T, what string, r result) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", "panic(", ".go:"} {
		if strings.Contains(r.stdout, bad) || strings.Contains(r.stderr, bad) {
			t.Errorf("%s: output contains %q:\n%s", what, bad, r)
		}
	}
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
