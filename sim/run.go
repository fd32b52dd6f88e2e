// Package sim is consim's host side: it builds the simulated world (cmd/simworld) for
// wasip1, runs it in wazero on a virtual clock with entropy from the run seed, and hands
// back the event stream. The world itself lives in sim/world; the contract between the
// two is sim/runspec (stdin) and the event package (stdout).
package sim

import (
	"context"
	"fmt"

	"github.com/consim/consim/sim/runspec"
)

// Run builds (or finds in the cache) the world of opts.Engine for the current source and
// runs spec once. For many runs, use BuildGuest (or BuildNative) and one Runner instead.
func Run(ctx context.Context, spec runspec.Spec, opts Options) (*Result, error) {
	build := BuildGuest
	switch opts.Engine {
	case "", EngineWasm:
	case EngineNative:
		build = BuildNative
	default:
		return nil, fmt.Errorf("sim: engine %q: want %s or %s", opts.Engine, EngineWasm, EngineNative)
	}
	g, err := build(ctx, opts.BuildLog)
	if err != nil {
		return nil, err
	}
	r, err := NewRunner(ctx, g)
	if err != nil {
		return nil, err
	}
	defer r.Close(context.Background())
	return r.Run(ctx, spec, opts)
}
