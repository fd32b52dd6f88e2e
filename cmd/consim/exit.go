package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
)

// Exit codes, as documented in the README and DESIGN.md.
const (
	exitOK       = 0
	exitExpected = 1
	exitBadInput = 2
	exitHarness  = 3
	// exitUndecided: no expectation failed, but the checker reached its limit on one, so
	// the run proves neither way. Not 1: a checker limit is never a finding about the run.
	exitUndecided = 4
)

// exitError carries a chosen exit code with the message to print.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput marks err as the user's mistake: exit 2, message only, never a stack trace.
func badInput(err error) error { return &exitError{code: exitBadInput, err: err} }

// classify maps an error to an exit code and the text to print.
func classify(err error) (int, string) {
	// A scenario's problems print one per line, each starting with file:line:col, so
	// editors and CI annotators can jump to them.
	var list *scenarios.ErrorList
	if errors.As(err, &list) {
		n := len(list.Errs)
		return exitBadInput, fmt.Sprintf("%s\nconsim: %d %s in the scenario", list.Error(), n, plural(n, "problem", "problems"))
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, "consim: " + ee.err.Error()
	}
	var he *sim.HarnessError
	if errors.As(err, &he) {
		return exitHarness, "consim: " + err.Error()
	}
	var se *sim.SetupError
	if errors.As(err, &se) {
		return exitBadInput, "consim: " + se.Error()
	}
	// cobra's own errors (unknown command, bad flag, wrong argument count) are usage errors.
	msg := err.Error()
	if strings.HasPrefix(msg, "unknown") || strings.Contains(msg, "flag") || strings.Contains(msg, "arg(s)") {
		return exitBadInput, "consim: " + msg + "\nRun 'consim --help' for usage."
	}
	return exitHarness, "consim: " + msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
