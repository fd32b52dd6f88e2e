package consimtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/consimtest"
)

// A path that is no file and no built-in is an error that names it.
func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := consimtest.Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), "consimtest: ") || !strings.Contains(err.Error(), path) {
		t.Errorf("Load(%s) = %v; want an error naming the file", path, err)
	}
}

// A file that does not validate is an error with the file and the line.
func TestLoadInvalidFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("name: bad\nduration: 60\ncluster:\n  servers: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := consimtest.Load(path)
	if err == nil || !strings.Contains(err.Error(), path+":2:") {
		t.Errorf("Load(%s) = %v; want an error at %s:2", path, err, path)
	}
}
