// Package runspec is the contract between the host and the guest: what the host writes on
// the guest's stdin before it starts, and nothing else. After that the host never feeds
// the guest anything, so the spec plus the seed determine the whole run.
package runspec

import "github.com/consim/consim/scenarios"

// Spec is one run's input.
type Spec struct {
	// Scenario is the validated scenario, with any --seed override already applied.
	Scenario scenarios.Scenario `json:"scenario"`
	// Seed is the run seed. The host also derives the guest's entropy from it.
	Seed uint64 `json:"seed"`
	// Build names the guest build (the wasm hash) and Version is consim's version, for the
	// stream's header, which the host writes. The guest is given neither, nor the
	// scenario's name, description and expectations: nothing the world does depends on
	// them, and what the guest decodes must not differ by a byte when they do (sim's
	// worldSpec).
	Build   string `json:"build,omitempty"`
	Version string `json:"version,omitempty"`
	// Trace asks for raft, memberlist and node log lines in the stream as log events.
	Trace bool `json:"trace,omitempty"`
	// Debug holds test-only switches that make the guest misbehave on purpose.
	Debug Debug `json:"debug,omitempty"`
}

// Debug switches exist so tests can prove the harness catches a broken guest.
type Debug struct {
	// HangAt, when positive, makes the world spin forever (never yielding, so virtual time
	// stops) once this much virtual time has passed: the wall-time limit must catch it.
	HangAt scenarios.Duration `json:"hang_at,omitempty"`
	// PanicAt, when positive, makes the world panic at this virtual time.
	PanicAt scenarios.Duration `json:"panic_at,omitempty"`
}

// Guest exit codes, besides 0 for a completed run and Go's own 2 for a panic or deadlock.
const (
	// ExitBadSpec means the guest could not decode or use the spec on stdin.
	ExitBadSpec = 3
	// ExitWorld means the world failed to build or run (an error, not a panic).
	ExitWorld = 4
)
