package consimtest

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
)

// reproduce is the command that replays a run of sc (the scenario as run) with opts; see
// Result.Reproduce.
func reproduce(sc *scenarios.Scenario, opts Options) string {
	var parts []string
	note := ""
	switch {
	case opts.Dir != "":
		dir, err := filepath.Abs(opts.Dir)
		if err != nil {
			dir = opts.Dir
		}
		// scenario.yaml carries the seed.
		parts = []string{"consim", "run", filepath.Join(dir, "scenario.yaml")}
	case isBuiltin(sc):
		parts = []string{"consim", "run", sc.Name, "--seed", fmt.Sprint(sc.Seed)}
	default:
		parts = []string{"consim", "run", "SCENARIO.yaml", "--seed", fmt.Sprint(sc.Seed)}
		note = " (SCENARIO.yaml: the scenario as run, Result.Scenario.Canonical(); Options.Dir writes it)"
	}
	if opts.Engine == sim.EngineNative { // a stream replays on the engine that made it
		parts = append(parts, "--engine", sim.EngineNative)
	}
	if opts.WallTimeout > 0 && opts.WallTimeout != sim.DefaultWallTimeout {
		parts = append(parts, "--wall-timeout", opts.WallTimeout.String())
	}
	return strings.Join(parts, " ") + note
}

// isBuiltin says whether sc is the built-in of its name, but for the seed: only then does
// the name alone replay it.
func isBuiltin(sc *scenarios.Scenario) bool {
	data, ok := scenarios.BuiltinSource(sc.Name)
	if !ok {
		return false
	}
	b, err := scenarios.Parse("builtin:"+sc.Name, data)
	if err != nil {
		return false
	}
	b.Seed = sc.Seed
	return bytes.Equal(b.Canonical(), sc.Canonical())
}
