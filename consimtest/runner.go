package consimtest

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/consim/consim/sim"
)

// shared is the process's one runner of the built world, made by the first Run. It is
// never closed: it lives as long as the test binary.
//
// NB: a mutex, not a sync.Once: a build that fails because its caller's ctx ended must
// not fail every later Run of the process, so only success is kept.
var shared struct {
	mu     sync.Mutex
	runner *sim.Runner
}

// sharedRunner returns the shared runner, building the guest (or loading it from the
// cache) first if no Run has. Concurrent first callers wait for one build.
func sharedRunner(ctx context.Context) (*sim.Runner, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.runner != nil {
		return shared.runner, nil
	}
	// A real build takes about a minute: say so where `go test -v` shows it.
	g, err := sim.BuildGuest(ctx, os.Stderr)
	if err != nil {
		return nil, fmt.Errorf("consimtest: %w", err)
	}
	r, err := sim.NewRunner(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("consimtest: %w", err)
	}
	shared.runner = r
	return r, nil
}
