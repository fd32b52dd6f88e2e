package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// engine is a wazero runtime with the guest compiled in it: the part that executes.
type engine struct {
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
}

// newEngine compiles wasm, using wazero's compilation cache under CacheDir.
//
// interruptible makes a context deadline stop the guest even in a loop that never calls
// the host (WithCloseOnContextDone). wazero does that by checking a flag at every loop
// header, which halves the speed of Go's wasm code; a worker process, which the parent
// simply kills on timeout, runs without it.
func newEngine(ctx context.Context, wasm []byte, interruptible bool) (*engine, error) {
	// Memory reserved up front at the module's maximum: the guest's heap then grows in
	// place, instead of being copied into a larger buffer at every growth (what made a
	// peak hold two copies of it). The reservation is address space; only the pages the
	// guest touches are resident.
	cfg := wazero.NewRuntimeConfig().WithCloseOnContextDone(interruptible).WithMemoryCapacityFromMax(true)
	if dir, err := CacheDir(); err == nil {
		if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "wazero")); err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sim: instantiate WASI: %w", err)
	}
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sim: compile guest: %w", err)
	}
	return &engine{runtime: rt, compiled: compiled}, nil
}

func (e *engine) close() { e.runtime.Close(context.Background()) }

// outcome is how one execution of the guest ended, wherever it ran.
type outcome struct {
	ExitCode uint32        `json:"exit_code"`
	Hung     bool          `json:"hung,omitempty"`
	Canceled bool          `json:"canceled,omitempty"`
	Err      string        `json:"error,omitempty"`
	Virtual  time.Duration `json:"virtual_ns"`
	Wall     time.Duration `json:"wall_ns"`
	// Stalled, for a run stopped at its wall-time limit, is the wall time since virtual
	// time last moved: long for a hung guest, short for a slow run.
	Stalled time.Duration `json:"stalled_ns,omitempty"`
}

// exec runs the guest once: input on stdin, entropy from seed, on clock (fresh).
func (e *engine) exec(ctx context.Context, clock *virtualClock, input []byte, seed uint64, stdout, stderr io.Writer) outcome {
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithArgs("simworld").
		WithStdin(bytes.NewReader(input)).
		WithStdout(stdout).
		WithStderr(stderr).
		WithRandSource(entropy(seed)).
		WithNanotime(clock.nanotime, 1).
		WithWalltime(clock.walltime, 1).
		WithNanosleep(clock.nanosleep).
		WithOsyield(func() {})
	start := time.Now()
	mod, err := e.runtime.InstantiateModule(ctx, e.compiled, cfg)
	out := outcome{Wall: time.Since(start), Virtual: clock.elapsed()}
	if mod != nil {
		mod.Close(context.Background())
	}
	var exit *sys.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		out.Hung, out.Stalled = true, clock.stalled()
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled:
		out.Canceled = true
	case errors.As(err, &exit):
		out.ExitCode = exit.ExitCode()
	default:
		out.Err = err.Error()
	}
	return out
}
