package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

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
