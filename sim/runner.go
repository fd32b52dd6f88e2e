package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/sim/runspec"
)

// DefaultWallTimeout bounds one run in wall time when Options.WallTimeout is zero. Nothing
// preempts a goroutine on wasip1, so a busy loop in the guest would otherwise hang forever.
const DefaultWallTimeout = 10 * time.Minute

// Options tune one run without changing what it simulates.
type Options struct {
	// WallTimeout stops the guest after this much wall time (a harness failure).
	WallTimeout time.Duration
	// OnEvent, if set, sees every event as the guest emits it (progress bars). It is
	// called from one goroutine at a time, in stream order.
	OnEvent func(event.Event)
	// BuildLog, if set, is told when Run has to build the guest first.
	BuildLog io.Writer
	// Engine is the engine Run builds the world for: EngineWasm (also when empty) or
	// EngineNative. A Runner runs whichever world it was made with.
	Engine string
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
	// Wall is the wall time the guest executed (instantiation to exit; process start and
	// compilation excluded).
	Wall time.Duration
}

// StreamHash is the SHA-256 of the stream: equal hashes mean identical runs.
func (r *Result) StreamHash() string {
	sum := sha256.Sum256(r.Stream)
	return hex.EncodeToString(sum[:])
}

// Runner runs one built guest any number of times, concurrently if asked: each run is a
// fresh module instance with its own clock, entropy and stdio. When the program called
// Main, each run executes in a worker process; otherwise in-process.
type Runner struct {
	guest   *Guest
	local   *engine // nil when runs go to workers
	workers pool    // warm workers, idle between runs
}

// NewRunner compiles guest. In-process runs use that compilation; worker runs load it
// from wazero's cache, which this fills the first time, and only then: loading a compiled
// module the parent would never run cost a quarter of a short run's wall time.
func NewRunner(ctx context.Context, guest *Guest) (*Runner, error) {
	if guest.Native {
		return &Runner{guest: guest}, nil // each run is a process of its own
	}
	workers := workersEnabled.Load()
	marker := compiledMarker(guest)
	if workers && marker != "" {
		if _, err := os.Stat(marker); err == nil {
			return &Runner{guest: guest}, nil
		}
	}
	eng, err := newEngine(ctx, guest.Wasm, !workers)
	if err != nil {
		return nil, fmt.Errorf("sim: guest %s: %w", guest.Hash, err)
	}
	r := &Runner{guest: guest, local: eng}
	if workers {
		eng.close()
		r.local = nil
		if marker != "" {
			os.WriteFile(marker, nil, 0o644) // a missing marker only costs a compile
		}
	}
	return r, nil
}

// compiledMarker is the file that says wazero's cache holds guest compiled by the wazero
// this binary links ("" when that cannot be known). Without it a worker still works: it
// compiles the guest itself, slowly.
func compiledMarker(guest *Guest) string {
	dir, err := CacheDir()
	if err != nil {
		return ""
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == "github.com/tetratelabs/wazero" {
			return filepath.Join(dir, "wazero", "compiled-"+guest.Hash+"-"+m.Version)
		}
	}
	return ""
}

// Guest returns the guest this runner runs.
func (r *Runner) Guest() *Guest { return r.guest }

// Close releases the runner's resources: its compiled guest, its idle workers.
func (r *Runner) Close(context.Context) error {
	if r.local != nil {
		r.local.close()
	}
	r.workers.close()
	return nil
}

// stillGoing: a run stopped at its wall-time limit whose virtual time moved within this
// much wall time counts as still going, not hung.
const stillGoing = 2 * time.Second

// execInWorker runs one execution in a warm worker, a new one if none is idle. A reused
// worker that turns out to have died while idle is replaced once.
func (r *Runner) execInWorker(ctx context.Context, limit time.Duration, input []byte, seed uint64, stdout, stderr io.Writer) (outcome, error) {
	job, err := json.Marshal(workerJob{Wasm: r.guest.Path, Seed: seed, Input: input})
	if err != nil {
		return outcome{}, fmt.Errorf("sim: encode worker job: %w", err)
	}
	for {
		w, reused, err := r.workers.take()
		if err != nil {
			return outcome{}, err
		}
		out, reusable, err := w.exec(ctx, limit, job, stdout, stderr)
		switch {
		case errors.Is(err, errWorkerGone) && reused:
			continue
		case errors.Is(err, errWorkerGone):
			return outcome{}, fmt.Errorf("sim: a new worker died before the run started (%v): %s", w.err, w.stderr.String())
		case err != nil:
			return outcome{}, err
		}
		if reusable {
			r.workers.give(w)
		}
		return out, nil
	}
}

// worldSpec is what the guest is given of spec: only what the world runs. A scenario's
// name, description and expectations change nothing the world does, but any difference in
// what the guest decodes, however small, shifts its allocations, so the moments its
// garbage collector runs, so the order of goroutines at one virtual instant: the run. Left
// out, they cannot (TestRunIgnoresLabels). The host writes the stream's header, which
// names the scenario.
func worldSpec(spec runspec.Spec) runspec.Spec {
	spec.Scenario.Name, spec.Scenario.Description, spec.Scenario.Expect = "", "", nil
	spec.Build, spec.Version = "", ""
	return spec
}

// header is the stream's first line, run_start.
func header(spec runspec.Spec, native bool) []byte {
	sc := &spec.Scenario
	ev := event.Event{Type: event.RunStart, Scenario: sc.Name, Seed: spec.Seed, Build: spec.Build,
		Version: spec.Version, Servers: sc.Cluster.Servers, Clients: sc.Cluster.Clients, Duration: event.Duration(sc.Duration),
		Bugs: sc.Bugs}
	if native {
		ev.Engine = EngineNative // absent: the wasm engine, as in every stream before there were two
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic("sim: encode run_start: " + err.Error()) // plain data: cannot fail
	}
	return append(b, '\n')
}

// Run runs spec to completion. Spec.Build and Spec.Version are filled in here. A failure
// of the harness (hang, crash, garbage on stdout) is a *HarnessError; the Result is then
// still returned with the stream up to the failure.
func (r *Runner) Run(ctx context.Context, spec runspec.Spec, opts Options) (*Result, error) {
	spec.Build = r.guest.Hash
	spec.Version = Version
	input, err := json.Marshal(worldSpec(spec))
	if err != nil {
		return nil, fmt.Errorf("sim: encode run spec: %w", err)
	}
	limit := opts.WallTimeout
	if limit <= 0 {
		limit = DefaultWallTimeout
	}
	stream := &streamReader{onEvent: opts.OnEvent}
	stream.Write(header(spec, r.guest.Native))
	stderr := &tail{max: 16 << 10}
	var out outcome
	if r.guest.Native {
		out = execNative(ctx, limit, r.guest.Path, input, spec.Seed, stream, stderr)
		if n := len(stream.events); n > 0 {
			out.Virtual = stream.events[n-1].T.D()
		}
	} else if r.local != nil {
		ctx, cancel := context.WithTimeout(ctx, limit)
		out = r.local.exec(ctx, newVirtualClock(), input, spec.Seed, stream, stderr)
		cancel()
	} else if out, err = r.execInWorker(ctx, limit, input, spec.Seed, stream, stderr); err != nil {
		return nil, err
	}
	res := &Result{Spec: spec, Stream: stream.raw.Bytes(), Events: stream.events, Virtual: out.Virtual, Wall: out.Wall}
	fail := func(kind, detail string) (*Result, error) {
		return res, &HarnessError{Kind: kind, Virtual: res.Virtual, ExitCode: out.ExitCode, Detail: detail,
			Output: stderr.String() + "\n" + stream.lastLines(5)}
	}
	switch {
	case out.Hung && out.Stalled < 0:
		// The native world says nothing until it is done: slow and hung look alike.
		return fail("wall-time limit", fmt.Sprintf(
			"the native world did not finish within its wall-time limit of %s: a busy loop that never yields (virtual time then stops), "+
				"or a run longer than the limit (raise --wall-timeout); --engine wasm shows where virtual time stopped", limit))
	case out.Hung && out.Stalled < stillGoing:
		// Virtual time kept moving until the end: not a hang, a run longer than the limit.
		err := &HarnessError{Kind: "wall-time limit", Virtual: res.Virtual, Detail: fmt.Sprintf(
			"the run was still going (%s of %s virtual) when its wall-time limit of %s passed: raise --wall-timeout (default %s)",
			res.Virtual.Round(time.Millisecond), spec.Scenario.Duration, limit, DefaultWallTimeout)}
		return res, err
	case out.Hung:
		return fail("hang", fmt.Sprintf("virtual time stopped at %s and did not move for the last %s before the wall-time limit of %s (a busy loop never yields, so virtual time stops)",
			res.Virtual.Round(time.Millisecond), out.Stalled.Round(time.Second), limit))
	case out.Canceled:
		return res, fmt.Errorf("sim: run canceled at virtual time %s: %w", res.Virtual, context.Canceled)
	case out.Err != "":
		return fail("crash", out.Err)
	case out.ExitCode != 0:
		return fail("crash", fmt.Sprintf("the guest exited with code %d", out.ExitCode))
	case stream.err != nil:
		return fail("protocol", stream.err.Error())
	}
	if n := len(res.Events); n == 0 || res.Events[0].Type != event.RunStart || res.Events[n-1].Type != event.RunEnd {
		return fail("protocol", "the guest exited without a complete stream (run_start ... run_end)")
	}
	return res, nil
}
