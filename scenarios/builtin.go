//go:build !wasip1

package scenarios

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// builtinFS holds the built-in scenarios, one file per scenario, named NAME.yaml where NAME
// is the scenario's name field (a test checks this).
//
//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtins returns the names of the built-in scenarios, sorted.
func Builtins() []string {
	entries, err := fs.ReadDir(builtinFS, "builtin")
	if err != nil {
		panic("scenarios: embedded builtin directory is missing: " + err.Error())
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// BuiltinSource returns the file text of the built-in scenario name, or false if there is
// no such built-in.
func BuiltinSource(name string) ([]byte, bool) {
	if !NamePattern.MatchString(name) {
		return nil, false
	}
	data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
	if err != nil {
		return nil, false
	}
	return data, true
}
