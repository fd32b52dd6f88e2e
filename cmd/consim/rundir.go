package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// savedRun is a run directory read back: what `consim check` re-judges and `consim
// report` redraws.
type savedRun struct {
	scenario *scenarios.Scenario
	stream   []byte
	run      *checker.Run
}

// loadRunDir reads dir's events.jsonl and scenario.yaml, as consim run wrote them. A
// directory without them, a stream that does not decode or a scenario that does not
// parse is bad input (exit 2), and the error names the file.
func loadRunDir(dir string) (*savedRun, error) {
	stream, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		return nil, badInput(fmt.Errorf("%s is not a run directory: %w", dir, err))
	}
	events, err := event.Decode(stream)
	if err != nil {
		return nil, badInput(fmt.Errorf("%s: %w", filepath.Join(dir, "events.jsonl"), err))
	}
	scPath := filepath.Join(dir, "scenario.yaml")
	src, err := os.ReadFile(scPath)
	if err != nil {
		return nil, badInput(fmt.Errorf("%s is not a run directory: %w", dir, err))
	}
	sc, err := scenarios.Parse(scPath, src)
	if err != nil {
		return nil, badInput(err)
	}
	return &savedRun{scenario: sc, stream: stream, run: checker.NewRun(events)}, nil
}
