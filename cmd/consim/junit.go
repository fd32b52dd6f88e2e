package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

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
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("--junit %s: %w", path, err)
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
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
