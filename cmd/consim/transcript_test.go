package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// transcriptFile holds command lines and what they print: the CLI's behaviour for
// people, reviewed as a diff. Regenerate it with
//
//	go test ./cmd/consim -run TestTranscript -update
//
// Format: lines starting with "#" and blank lines are comments, kept as they are. A line
// "$ consim ARGS..." (arguments split on spaces, no quoting) is run through run() and is
// followed by its output: "exit N", then "stdout:" and "stderr:" sections (left out when
// empty) whose lines start with "| " ("|" alone for an empty line), and a last line
// "\ no newline at end" when the output does not end with one.
const transcriptFile = "testdata/transcript.txt"

type transcriptCase struct {
	preamble string // comments and blank lines before the command
	command  string // the "$ consim ..." line
	lineNo   int
	want     string // the output lines as written in the file
}

func parseTranscript(t *testing.T, text string) (cases []transcriptCase, trailer string) {
	t.Helper()
	var pre strings.Builder
	var cur *transcriptCase
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(body, "$ "):
			if !strings.HasPrefix(body, "$ consim") {
				t.Fatalf("%s:%d: a command must start with \"$ consim\"", transcriptFile, i+1)
			}
			cases = append(cases, transcriptCase{preamble: pre.String(), command: body, lineNo: i + 1})
			cur = &cases[len(cases)-1]
			pre.Reset()
		case body == "" || strings.HasPrefix(body, "#"):
			cur = nil
			pre.WriteString(line)
		case isOutputLine(body):
			if cur == nil {
				t.Fatalf("%s:%d: output line with no command above it: %q", transcriptFile, i+1, body)
			}
			cur.want += line
		default:
			t.Fatalf("%s:%d: not a comment, command or output line: %q", transcriptFile, i+1, body)
		}
	}
	return cases, pre.String()
}

func isOutputLine(s string) bool {
	return strings.HasPrefix(s, "exit ") || s == "stdout:" || s == "stderr:" || s == "|" ||
		strings.HasPrefix(s, "| ") || s == `\ no newline at end`
}

// renderOutput writes a command's result in the transcript's output format.
func renderOutput(r result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "exit %d\n", r.code)
	for _, sec := range []struct{ name, text string }{{"stdout", r.stdout}, {"stderr", r.stderr}} {
		if sec.text == "" {
			continue
		}
		b.WriteString(sec.name + ":\n")
		body, nl := strings.CutSuffix(sec.text, "\n")
		for _, line := range strings.Split(body, "\n") {
			if line == "" {
				b.WriteString("|\n")
			} else {
				b.WriteString("| " + line + "\n")
			}
		}
		if !nl {
			b.WriteString("\\ no newline at end\n")
		}
	}
	return b.String()
}

// TestTranscript runs every command of testdata/transcript.txt and compares what it
// prints, exit code included, with the file. The commands run in a temporary directory
// holding a copy of testdata/, so paths in the output are the relative ones written in
// the file, and a command that unexpectedly starts a run writes nothing into the source
// tree.
func TestTranscript(t *testing.T) {
	path, err := filepath.Abs(transcriptFile)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cases, trailer := parseTranscript(t, string(text))
	if len(cases) == 0 {
		t.Fatalf("%s holds no commands", transcriptFile)
	}
	work := t.TempDir()
	if err := os.CopyFS(filepath.Join(work, "testdata"), os.DirFS("testdata")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)

	var out strings.Builder
	differ := false
	for _, c := range cases {
		r := consim(strings.Fields(strings.TrimPrefix(c.command, "$ consim"))...)
		got := renderOutput(r)
		out.WriteString(c.preamble + c.command + "\n" + got)
		if !*update && got != c.want {
			differ = true
			t.Errorf("%s:%d: %s\n--- got\n%s--- want\n%s", transcriptFile, c.lineNo, c.command, got, c.want)
		}
		// Whatever the file says, a usage error never shows a trace, and no output
		// names the temporary directory (goldens must not depend on where tests run).
		if r.code == exitBadInput {
			mustNotCrash(t, c.command, r)
		}
		if strings.Contains(r.stdout+r.stderr, work) {
			t.Errorf("%s:%d: %s: output holds the working directory %s", transcriptFile, c.lineNo, c.command, work)
		}
	}
	out.WriteString(trailer)
	if _, err := os.Stat(filepath.Join(work, "out")); err == nil {
		t.Errorf("a transcript command wrote a run directory: transcript commands must not start the guest")
	}
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if differ {
		t.Errorf("to accept the new output: go test ./cmd/consim -run TestTranscript -update, and review the diff")
	} else if out.String() != string(text) {
		t.Errorf("%s is not in its canonical form (run with -update)", transcriptFile)
	}
}
