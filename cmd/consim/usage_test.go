package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/consim/consim/scenarios"
)

// The transcript pins the exact text; these pin the contract, so that a careless
// -update cannot accept a broken one: exit codes, where errors go, what they must say.

// validate reports every problem of a file at once, each as FILE:LINE:COL, with exit 2.
func TestValidateReportsEveryError(t *testing.T) {
	r := consim("validate", "testdata/three-errors.yaml")
	if r.code != exitBadInput || r.stdout != "" {
		t.Fatalf("want exit 2 and nothing on stdout: %s", r)
	}
	mustNotCrash(t, "validate", r)
	pos := regexp.MustCompile(`(?m)testdata/three-errors\.yaml:(\d+):(\d+): `)
	found := pos.FindAllStringSubmatch(r.stderr, -1)
	var at []string
	for _, m := range found {
		at = append(at, m[1]+":"+m[2])
	}
	if got, want := strings.Join(at, " "), "3:11 5:12 7:1"; got != want {
		t.Errorf("errors at %s, want %s (duration, cluster.servers, netwrok):\n%s", got, want, r.stderr)
	}
	for _, want := range []string{`duration: invalid duration "10 seconds"`, "cluster.servers: must be between 1 and 15, got -2", `unknown field "netwrok" (did you mean "network"?)`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// Three errors, three lines, each starting with its position, then the count.
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 4 || lines[3] != "consim: 3 problems in the scenario" {
		t.Errorf("want three error lines and a count line, got:\n%s", r.stderr)
	}
}

func TestValidateGoodFile(t *testing.T) {
	for _, arg := range []string{"testdata/small.yaml", "testdata/tiny.yaml", "baseline"} {
		r := consim("validate", arg)
		if r.code != exitOK || !strings.HasPrefix(r.stdout, arg+": ok") || r.stderr != "" {
			t.Errorf("validate %s: %s", arg, r)
		}
	}
}

// validate --schedule prints the schedule after the verdict: each firing and end of a
// built-in's repeating faults, and the liveness phase at its end.
func TestValidateSchedule(t *testing.T) {
	r := consim("validate", "lease-window", "--schedule")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("validate --schedule: %s", r)
	}
	for _, want := range []string{
		"9s       start  stall-disk: {disk: {node: leader, write_latency: 8s}} until 18s\n",
		"18s      end    cut-leader\n",
		"29s      start  stall-disk:",
		"45s      end    liveness phase",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in:\n%s", want, r.stdout)
		}
	}
}

// Mistakes on the command line exit 2 with a message on stderr, nothing on stdout, no
// trace, and never start the world.
func TestUsageErrors(t *testing.T) {
	builtins := scenarios.Builtins()
	for _, tc := range []struct {
		args []string
		want []string // substrings of stderr
	}{
		{[]string{"validate", "no-such-scenario"}, append([]string{`"no-such-scenario" is neither a file nor a built-in`}, builtins...)},
		{[]string{"run", "no-such-scenario"}, append([]string{`"no-such-scenario" is neither a file nor a built-in`}, builtins...)},
		{[]string{"run", "testdata/three-errors.yaml"}, []string{"testdata/three-errors.yaml:3:11: ", "testdata/three-errors.yaml:7:1: "}},
		{[]string{"validate"}, []string{"validate: want 1 argument, got 0", "Usage: consim validate SCENARIO"}},
		{[]string{"validate", "testdata/small.yaml", "testdata/tiny.yaml"}, []string{"validate: want 1 argument, got 2"}},
		{[]string{"run"}, []string{"run: want 1 argument, got 0", "Run 'consim run --help'"}},
		{[]string{"run", "a", "b"}, []string{"run: want 1 argument, got 2"}},
		{[]string{"scenarios", "baseline"}, []string{"scenarios: want 0 arguments, got 1"}},
		{[]string{"version", "now"}, []string{"version: want 0 arguments, got 1"}},
		{[]string{"run", "--no-such-flag", "testdata/small.yaml"}, []string{"unknown flag: --no-such-flag"}},
		{[]string{"validate", "-x", "testdata/small.yaml"}, []string{"unknown shorthand flag: 'x'"}},
		{[]string{"--no-such-flag"}, []string{"unknown flag: --no-such-flag"}},
		{[]string{"frobnicate"}, []string{`unknown command "frobnicate"`}},
		{[]string{"run", "testdata/small.yaml", "--seed", "0"}, []string{`invalid argument "0" for "--seed" flag: seeds start at 1`}},
		{[]string{"run", "testdata/small.yaml", "--seed", "-1"}, []string{"a seed is a whole number from 1"}},
		{[]string{"run", "testdata"}, []string{"testdata is a directory, not a scenario file"}},
		{[]string{"run", "baselin"}, []string{`did you mean "baseline"?`}},
		{[]string{"run", "testdata/small.yaml", "--format", "xml"}, []string{`--format "xml"`, "text or json"}},
		{[]string{"run", "no-such-scenario", "--format", "xml"}, []string{`--format "xml"`}},
		{[]string{"run", "testdata/small.yaml", "--wall-timeout", "soon"}, []string{"--wall-timeout"}},
		{[]string{"hunt", "--checks", "0"}, []string{"--checks 0: want 1 or more"}},
		{[]string{"hunt", "--parallel", "0"}, []string{"--parallel 0: want 1 or more"}},
		{[]string{"hunt", "--bugs", "no-such-bug"}, []string{`--bugs: unknown bug "no-such-bug"`, scenarios.BugStaleAsConsistent}},
		{[]string{"hunt", "--faults", "crash,flood"}, []string{`--faults: unknown fault kind "flood"`, "isolate-leader"}},
		{[]string{"hunt", "--servers", "three"}, []string{`--servers "three": want a number (5) or a range (3-7)`}},
		{[]string{"hunt", "--servers", "9-3"}, []string{"--servers: servers 9 to 3"}},
		{[]string{"hunt", "--max-duration", "5s"}, []string{"--max-duration: max duration 5s"}},
		{[]string{"hunt", "extra"}, []string{"hunt: want 0 arguments, got 1"}},
		{[]string{"sweep"}, []string{"sweep: want 1 argument, got 0"}},
		{[]string{"sweep", "no-such-scenario"}, []string{`"no-such-scenario" is neither a file nor a built-in`}},
		{[]string{"sweep", "testdata/small.yaml", "--seeds", "0"}, []string{"--seeds: seeds start at 1, got 0"}},
		{[]string{"sweep", "testdata/small.yaml", "--seeds", "1-3,2"}, []string{"--seeds: seed 2 is listed twice"}},
		{[]string{"sweep", "testdata/small.yaml", "--seeds", "1-x"}, []string{`--seeds: "1-x": want a seed (3) or a range`}},
		{[]string{"sweep", "testdata/small.yaml", "--parallel", "0"}, []string{"--parallel 0: want 1 or more"}},
		{[]string{"sweep", "testdata/small.yaml", "--wall-timeout", "0s"}, []string{"--wall-timeout 0s: want a positive duration"}},
		{[]string{"sweep", "testdata/small.yaml", "--engine", "jvm"}, []string{`--engine "jvm": want wasm (the default) or native`}},
	} {
		cmd := "consim " + strings.Join(tc.args, " ")
		r := consim(tc.args...)
		if r.code != exitBadInput {
			t.Errorf("%s: exit %d, want %d\n%s", cmd, r.code, exitBadInput, r)
			continue
		}
		if r.stdout != "" {
			t.Errorf("%s: wrote to stdout:\n%s", cmd, r.stdout)
		}
		// The last line says what went wrong in consim's voice; scenario problems come
		// before it, one per line, each starting with file:line:col.
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if !strings.HasPrefix(lines[0], "consim: ") && !strings.HasPrefix(lines[len(lines)-1], "consim: ") {
			t.Errorf("%s: stderr has no \"consim: \" line:\n%s", cmd, r.stderr)
		}
		for _, want := range tc.want {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", cmd, want, r.stderr)
			}
		}
		mustNotCrash(t, cmd, r)
	}
}

func TestScenariosListsBuiltins(t *testing.T) {
	r := consim("scenarios")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("consim scenarios: %s", r)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "NAME ") {
		t.Errorf("no header line: %q", lines[0])
	}
	builtins := scenarios.Builtins()
	if len(lines) != 1+len(builtins) {
		t.Fatalf("%d lines for %d built-ins:\n%s", len(lines), len(builtins), r.stdout)
	}
	for i, name := range builtins {
		if f := strings.Fields(lines[i+1]); len(f) == 0 || f[0] != name {
			t.Errorf("line %d = %q, want built-in %s", i+2, lines[i+1], name)
		}
	}
}

// The listing names the kinds of fault and action each built-in fires; show prints a
// built-in's file with its comments, and a wrong name gets a suggestion, with exit 2.
func TestScenariosShow(t *testing.T) {
	r := consim("scenarios")
	for _, want := range []string{"FAULTS AND ACTIONS", "crash-restart       3s+1c   34s       crash", "udp-blocked", "isolate(packets)", "nemesis(isolate "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the listing lacks %q:\n%s", want, r.stdout)
		}
	}
	src, _ := scenarios.BuiltinSource("lease-window")
	r = consim("scenarios", "show", "lease-window")
	if r.code != exitOK || r.stdout != string(src) || !strings.Contains(r.stdout, "# lease-window: the 2014 default-mode stale read") {
		t.Errorf("show lease-window: exit %d, output differs from the built-in's file:\n%.300s", r.code, r.stdout)
	}
	r = consim("scenarios", "show", "lease-windo")
	if r.code != exitBadInput || !strings.Contains(r.stderr, `did you mean "lease-window"?`) {
		t.Errorf("show of a misspelled name: %s", r)
	}
}

// make demo runs a built-in that shows the headline, the three read modes side by side,
// and ends with what to try next.
func TestMakeDemo(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	demo := regexp.MustCompile(`(?m)^demo: build\n\t\./bin/consim run (\S+)\n((?:\t.*\n)*)`).FindStringSubmatch(string(b))
	if demo == nil {
		t.Fatal("no demo target that runs a scenario")
	}
	sc, _, err := scenarios.Load(demo[1])
	if err != nil {
		t.Fatalf("make demo runs %s: %v", demo[1], err)
	}
	if e := sc.Expect; e == nil || e.Default == "" || e.Consistent == "" || e.Stale == "" {
		t.Errorf("make demo runs %s, which does not judge all three read modes", demo[1])
	}
	if !strings.Contains(demo[2], "Try next") || !strings.Contains(demo[2], "scenarios show") {
		t.Errorf("make demo does not end with what to try next:\n%s", demo[2])
	}
}
