package consimtest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/consim/consim/reports"
)

// The functions of this file are shared with `consim run --out`, so their errors name the
// directory or file first and no layer: each caller says what the directory is to it (a
// flag, an option).

// runFile says whether name is a file a run writes into its run directory.
func runFile(name string) bool {
	switch name {
	case "events.jsonl", "events.partial.jsonl", "summary.json", "scenario.yaml", reports.ReportFile:
		return true
	}
	return strings.HasPrefix(name, "linearizability-") && strings.HasSuffix(name, ".html")
}

// ClaimRunDir checks that a run may write into dir: it does not exist, is empty, or holds
// only files of an earlier run (which the run replaces). Anything else is refused, before
// the run: a run must not mix its files with somebody else's, nor leave an earlier run's
// files beside its own. The error starts with dir.
func ClaimRunDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
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
		return fmt.Errorf("%s holds files that are not a consim run's (%s): give a new or empty directory, or an earlier run's", dir, strings.Join(foreign, ", "))
	}
	return nil
}

// WriteRunDir makes dir hold files, by name, and no file of an earlier run that files
// does not replace (a linearizability view of a read mode this run has not, an
// events.partial.jsonl). Each file goes through a temporary name and a rename, so a
// reader never sees half a file and an interrupted write leaves no truncated output.
// Claim dir with ClaimRunDir before the run, so that nothing is refused after it.
func WriteRunDir(dir string, files map[string][]byte) error {
	if err := writeFiles(dir, files); err != nil {
		return err
	}
	return removeStale(dir, files)
}

// writeFiles writes each of files into dir, in name order.
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
		if err := atomicWrite(filepath.Join(dir, name), files[name]); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
	}
	return nil
}

// WriteFile writes data to path through a temporary file in the same directory and a
// rename, making the directory if need be: a reader (a CI system, a person replaying a
// failure) never sees half a file. The run directory, a hunt's failing scenario and
// --junit reports are all written so.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicWrite(path, data)
}

// atomicWrite writes data to path through a temporary file in the same directory.
func atomicWrite(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	// CreateTemp makes the file 0600; a run directory is an artifact to share.
	werr := tmp.Chmod(0o644)
	if werr == nil {
		_, werr = tmp.Write(data)
	}
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
	return werr
}

// removeStale removes the run files in dir that written does not name.
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
