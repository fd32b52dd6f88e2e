package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/consim/consim/sim/event"
	"github.com/consim/consim/sim/runspec"
)

// DefaultWallTimeout bounds one run in wall time when Options.WallTimeout is zero. Nothing
// preempts a goroutine on wasip1, so a busy loop in the guest would otherwise hang forever.
const DefaultWallTimeout = 10 * time.Minute

// Options tune one run without changing what it simulates.
type Options struct {
	// WallTimeout stops the guest after this much wall time (a harness failure).
	WallTimeout time.Duration
	// OnEvent, if set, sees every event as the guest emits it (progress bars).
	OnEvent func(event.Event)
	// BuildLog, if set, is told when Run has to build the guest first.
	BuildLog io.Writer
}

// Result is a completed run.
type Result struct {
	// Spec is what the guest was given.
	Spec runspec.Spec
	// Stream is the exact event stream, one JSON object per line: events.jsonl.
	Stream []byte
	// Events is Stream decoded.
	Events []event.Event
	// Virtual is the virtual time the run covered.
	Virtual time.Duration
	// Wall is the wall time the guest ran (instantiation to exit).
	Wall time.Duration
}

// StreamHash is the SHA-256 of the stream: equal hashes mean identical runs.
func (r *Result) StreamHash() string {
	sum := sha256.Sum256(r.Stream)
	return hex.EncodeToString(sum[:])
}

// Runner runs one compiled guest any number of times, concurrently if asked: each run is
// a fresh module instance with its own clock, entropy and stdio.
type Runner struct {
	guest    *Guest
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
}

// NewRunner compiles the guest, using wazero's compilation cache under CacheDir.
func NewRunner(ctx context.Context, guest *Guest) (*Runner, error) {
	cfg := wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
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
	compiled, err := rt.CompileModule(ctx, guest.Wasm)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("sim: compile guest %s: %w", guest.Hash, err)
	}
	return &Runner{guest: guest, runtime: rt, compiled: compiled}, nil
}

// Guest returns the guest this runner runs.
func (r *Runner) Guest() *Guest { return r.guest }

// Close releases the runtime.
func (r *Runner) Close(ctx context.Context) error { return r.runtime.Close(ctx) }

// Run runs spec to completion. Spec.Build and Spec.Version are filled in here. A failure
// of the harness (hang, crash, garbage on stdout) is a *HarnessError.
func (r *Runner) Run(ctx context.Context, spec runspec.Spec, opts Options) (*Result, error) {
	spec.Build = r.guest.Hash
	spec.Version = Version
	input, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("sim: encode run spec: %w", err)
	}
	limit := opts.WallTimeout
	if limit <= 0 {
		limit = DefaultWallTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	clock := newVirtualClock()
	stream := &streamReader{onEvent: opts.OnEvent}
	stderr := &tail{max: 16 << 10}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithArgs("simworld").
		WithStdin(bytes.NewReader(input)).
		WithStdout(stream).
		WithStderr(stderr).
		WithRandSource(entropy(spec.Seed)).
		WithNanotime(clock.nanotime, 1).
		WithWalltime(clock.walltime, 1).
		WithNanosleep(clock.nanosleep).
		WithOsyield(func() {})

	start := time.Now()
	mod, err := r.runtime.InstantiateModule(ctx, r.compiled, cfg)
	wall := time.Since(start)
	if mod != nil {
		mod.Close(context.Background())
	}
	res := &Result{Spec: spec, Stream: stream.raw.Bytes(), Events: stream.events, Virtual: clock.elapsed(), Wall: wall}
	output := func() string {
		return stderr.String() + "\n" + stream.lastLines(5)
	}
	var exit *sys.ExitError
	switch {
	case err == nil || (errors.As(err, &exit) && exit.ExitCode() == 0):
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		return res, &HarnessError{Kind: "hang", Virtual: res.Virtual, Output: output(),
			Detail: fmt.Sprintf("the guest did not finish within the wall-time limit of %s (a busy loop never yields, so virtual time stops; raise --wall-timeout if the run is just long)", limit)}
	case errors.As(err, &exit) && exit.ExitCode() == sys.ExitCodeContextCanceled:
		return res, fmt.Errorf("sim: run canceled at virtual time %s: %w", res.Virtual, ctx.Err())
	case errors.As(err, &exit):
		return res, &HarnessError{Kind: "crash", Virtual: res.Virtual, ExitCode: exit.ExitCode(), Output: output(),
			Detail: fmt.Sprintf("the guest exited with code %d", exit.ExitCode())}
	default:
		return res, &HarnessError{Kind: "crash", Virtual: res.Virtual, Output: output(), Detail: err.Error()}
	}
	if stream.err != nil {
		return res, &HarnessError{Kind: "protocol", Virtual: res.Virtual, Output: output(), Detail: stream.err.Error()}
	}
	if n := len(res.Events); n == 0 || res.Events[0].Type != event.RunStart || res.Events[n-1].Type != event.RunEnd {
		return res, &HarnessError{Kind: "protocol", Virtual: res.Virtual, Output: output(),
			Detail: "the guest exited without a complete stream (run_start ... run_end)"}
	}
	return res, nil
}
