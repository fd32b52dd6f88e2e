package main

import (
	"bytes"
	"fmt"

	"github.com/consim/consim/consimtest"
	"github.com/consim/consim/reports"
)

// writeJUnit writes the suites to path (--junit) through a temporary file and a rename:
// a CI system never reads half a report.
func writeJUnit(path string, suites ...reports.JUnitSuite) error {
	if path == "" {
		return nil
	}
	var b bytes.Buffer
	if err := reports.WriteJUnit(&b, suites...); err != nil {
		return err
	}
	if err := consimtest.WriteFile(path, b.Bytes()); err != nil {
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	return nil
}

// harnessSuite is a run the harness could not complete, as one errored test case.
func harnessSuite(name string, seed uint64, err error, repro string) reports.JUnitSuite {
	return reports.JUnitSuite{Name: fmt.Sprintf("consim run %s seed %d", name, seed),
		Properties: [][2]string{{"scenario", name}, {"seed", fmt.Sprint(seed)}, {"reproduce", repro}},
		Cases: []reports.JUnitCase{{Name: "run", Class: name, Error: "the harness could not complete the run",
			Text: fmt.Sprintf("%v\nreproduce: %s", err, repro)}}}
}
