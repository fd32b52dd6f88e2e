package main

import (
	"fmt"

	"github.com/consim/consim/consimtest"
)

// The run directory is written by consimtest, which users' tests share with this command,
// so that `consim run --out` and consimtest.Options.Dir write the same directory.

// claimRunDir checks that a run may write into dir, the --out directory
// (consimtest.ClaimRunDir): a new or empty directory, or an earlier run's.
func claimRunDir(dir string) error {
	if err := consimtest.ClaimRunDir(dir); err != nil {
		return fmt.Errorf("--out %w", err)
	}
	return nil
}

// writeFiles makes dir hold files and no other file of an earlier run
// (consimtest.WriteRunDir).
func writeFiles(dir string, files map[string][]byte) error {
	return consimtest.WriteRunDir(dir, files)
}
