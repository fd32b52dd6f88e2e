//go:build !wasip1

package scenarios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Load reads the scenario a user named on the command line: a file path, or else the name
// of a built-in. It returns the parsed scenario and the file's text (to store next to a
// run's output).
//
// A file is parsed under the name as given; a built-in under "builtin:NAME". A file or
// built-in that does not parse returns its text along with the *ErrorList. A name that is
// neither gives an error that lists the built-ins.
func Load(nameOrPath string) (*Scenario, []byte, error) {
	info, statErr := os.Stat(nameOrPath)
	if statErr == nil && !info.IsDir() {
		data, err := readFile(nameOrPath)
		if err != nil {
			return nil, nil, err
		}
		s, err := Parse(nameOrPath, data)
		return s, data, err
	}
	if data, ok := BuiltinSource(nameOrPath); ok {
		s, err := Parse("builtin:"+nameOrPath, data)
		return s, data, err
	}
	list := strings.Join(Builtins(), ", ")
	if d := strings.TrimSuffix(nameOrPath, "/"); statErr == nil && info.IsDir() {
		// A run directory: its scenario.yaml replays the run.
		if _, err := os.Stat(d + "/scenario.yaml"); err == nil {
			return nil, nil, fmt.Errorf("scenarios: %s is a directory; to replay the run it holds, give its scenario file: %s/scenario.yaml", nameOrPath, d)
		}
	}
	if s := suggest(nameOrPath, Builtins()); s != "" && statErr != nil {
		return nil, nil, fmt.Errorf("scenarios: %q is neither a file nor a built-in scenario: did you mean %q? (built-ins: %s)", nameOrPath, s, list)
	}
	switch {
	case statErr == nil: // a directory
		return nil, nil, fmt.Errorf("scenarios: %s is a directory, not a scenario file, and not a built-in scenario (built-ins: %s)", nameOrPath, list)
	case !errors.Is(statErr, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("scenarios: %w", statErr)
	}
	return nil, nil, fmt.Errorf("scenarios: %q is neither a file nor a built-in scenario (built-ins: %s)", nameOrPath, list)
}

// readFile reads at most MaxFileSize+1 bytes, so that Parse reports an oversized file
// without this reading all of it.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("scenarios: read %s: %w", path, err)
	}
	return data, nil
}
