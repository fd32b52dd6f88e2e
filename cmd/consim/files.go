package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// runFile says whether name is a file `consim run` writes into a run directory.
func runFile(name string) bool {
	switch name {
	case "events.jsonl", "events.partial.jsonl", "summary.json", "scenario.yaml":
		return true
	}
	return strings.HasPrefix(name, "linearizability-") && strings.HasSuffix(name, ".html")
}

// claimRunDir checks that a run may write into dir: it does not exist, is empty, or holds
// only files of an earlier run (which this run replaces). Anything else is refused, before
// the run: a run must not mix its files with somebody else's, nor leave an earlier run's
// files beside its own.
func claimRunDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	var foreign []string
	for _, e := range entries {
		if e.IsDir() || !runFile(e.Name()) {
			foreign = append(foreign, e.Name())
		}
	}
	if len(foreign) > 0 {
		if len(foreign) > 3 {
			foreign = append(foreign[:3], "...")
		}
		return fmt.Errorf("--out %s holds files that are not a consim run's (%s): give a new or empty directory, or an earlier run's", dir, strings.Join(foreign, ", "))
	}
	return nil
}

// removeStale removes the files of an earlier run in dir that this run did not write (a
// linearizability view of a read mode this run has not, an events.partial.jsonl).
func removeStale(dir string, written map[string][]byte) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("clean run dir: %w", err)
	}
	for _, e := range entries {
		if _, ok := written[e.Name()]; !ok && runFile(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("clean run dir: %w", err)
			}
		}
	}
	return nil
}

// writeFiles writes each file into dir through a temporary name and a rename, so a
// reader never sees half a file and an interrupted run leaves no truncated output.
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write run dir: %w", err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		tmp, err := os.CreateTemp(dir, "."+name+".tmp-")
		if err != nil {
			return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
		// CreateTemp makes the file 0600; a run directory is an artifact to share.
		werr := tmp.Chmod(0o644)
		if werr == nil {
			_, werr = tmp.Write(files[name])
		}
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), filepath.Join(dir, name))
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("write %s: %w", filepath.Join(dir, name), werr)
		}
	}
	return nil
}
