package consimtest

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/consim/consim/sim"
)

// shared holds the process's runners of the built world, one per engine, each made by
// the first Run on that engine. They are never closed: they live as long as the test
// binary.
//
// NB: a mutex, not a sync.Once: a build that fails because its caller's ctx ended must
// not fail every later Run of the process, so only success is kept.
var shared struct {
	mu      sync.Mutex
	runners map[string]*sim.Runner
}

// sharedRunner returns the shared runner of engine ("" is the wasm engine), building its
// world (or loading it from the cache) first if no Run on that engine has. Concurrent
// first callers wait for one build.
func sharedRunner(ctx context.Context, engine string) (*sim.Runner, error) {
	build := sim.BuildGuest
	switch engine {
	case "", sim.EngineWasm:
		engine = sim.EngineWasm
	case sim.EngineNative:
		build = sim.BuildNative
	default:
		return nil, fmt.Errorf("consimtest: engine %q: want %s (the default) or %s", engine, sim.EngineWasm, sim.EngineNative)
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if r := shared.runners[engine]; r != nil {
		return r, nil
	}
	// A real build takes about a minute: say so where `go test -v` shows it.
	g, err := build(ctx, os.Stderr)
	if err != nil {
		return nil, fmt.Errorf("consimtest: %w", err)
	}
	r, err := sim.NewRunner(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("consimtest: %w", err)
	}
	if shared.runners == nil {
		shared.runners = map[string]*sim.Runner{}
	}
	shared.runners[engine] = r
	return r, nil
}
