package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// workerEnv marks a process started by a Runner to execute guest runs.
const workerEnv = "CONSIM_GUEST_WORKER"

// workersEnabled is set by Main: only a program that calls Main can be re-executed as a
// worker. Without it, runs stay in-process (and slower: see newEngine).
var workersEnabled atomic.Bool

// Main must be called first thing in main (and in TestMain of packages whose tests run
// the guest). In a worker process it runs the guest runs it is sent and exits; otherwise
// it returns at once and lets Runner.Run use worker processes.
//
// A worker isolates its runs from the parent: the parent enforces the wall-time limit by
// killing it, so the guest needs no interruption checks and runs about twice as fast,
// and a guest that exhausts memory takes down only its worker. A worker is warm: it
// keeps its wazero runtime and compiled guest and runs job after job, each in a fresh
// module instance with its own memory, clock, entropy and stdio, so a run in a warm
// worker is the same run as in a new one (TestWarmWorkerRunsAreIsolated).
func Main() {
	if os.Getenv(workerEnv) != "1" {
		workersEnabled.Store(true)
		return
	}
	os.Exit(workerMain())
}

// workerJob is what the parent sends a worker on stdin, one JSON line per run.
type workerJob struct {
	Wasm  string          `json:"wasm"`
	Seed  uint64          `json:"seed"`
	Input json.RawMessage `json:"input"`
}

// workerMain runs jobs until stdin ends. Each job's output goes to stdout in frames
// (frames.go): the guest's stdout and stderr as they come, then the outcome.
func workerMain() int {
	out := newFrameWriter(os.Stdout)
	jobs := json.NewDecoder(os.Stdin)
	// One outcome per job, whoever reports first: the job's end, or the signal handler
	// when the parent stops a run at its wall-time limit (the handler never lets go).
	var reporting sync.Mutex
	report := func(o outcome) error {
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		return out.frame(frameOutcome, b, true)
	}
	// The parent sends SIGTERM when a run's wall-time limit passes: say how far virtual
	// time got (the guest is stuck, so the clock is still) and go. SIGKILL follows if this
	// goroutine cannot run.
	var current atomic.Pointer[virtualClock]
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go func() {
		<-term
		reporting.Lock()
		o := outcome{Hung: true}
		if c := current.Load(); c != nil {
			o.Virtual, o.Stalled = c.elapsed(), c.stalled()
		}
		report(o)
		os.Exit(0)
	}()
	ctx := context.Background()
	var eng *engine
	var engWasm string
	for {
		var job workerJob
		if err := jobs.Decode(&job); err == io.EOF {
			return 0
		} else if err != nil {
			fmt.Fprintf(os.Stderr, "consim worker: read job: %v\n", err)
			return 1
		}
		if eng == nil || job.Wasm != engWasm {
			if eng != nil {
				eng.close()
			}
			wasm, err := os.ReadFile(job.Wasm)
			if err != nil {
				fmt.Fprintf(os.Stderr, "consim worker: %v\n", err)
				return 1
			}
			if eng, err = newEngine(ctx, wasm, false); err != nil {
				fmt.Fprintf(os.Stderr, "consim worker: %v\n", err)
				return 1
			}
			engWasm = job.Wasm
		}
		clock := newVirtualClock()
		current.Store(clock)
		// The wall-time limit covers the guest, not process start and compilation.
		if err := out.frame(frameStarted, nil, true); err != nil {
			return 1 // the parent is gone
		}
		o := eng.exec(ctx, clock, job.Input, job.Seed, &guestOutput{out: out, tag: frameStdout}, &guestOutput{out: out, tag: frameStderr})
		reporting.Lock()
		current.Store(nil)
		err := report(o)
		reporting.Unlock()
		if err != nil {
			return 1
		}
		// The instance's memory is garbage now; give it back before the next run rather
		// than let a warm worker sit on the peak of the largest run it ever made.
		debug.FreeOSMemory()
	}
}

// guestOutput frames the guest's many small writes and sends them at a line end once
// half the buffer is full or a tenth of a second has passed, so the parent sees events
// promptly (progress bars) without a syscall per event.
type guestOutput struct {
	out     *frameWriter
	tag     byte
	pending int
	last    time.Time
}

func (g *guestOutput) Write(p []byte) (int, error) {
	flush := false
	g.pending += len(p)
	if len(p) > 0 && p[len(p)-1] == '\n' {
		if now := time.Now(); g.pending > maxFrame/2 || now.Sub(g.last) > 100*time.Millisecond {
			g.last, g.pending, flush = now, 0, true
		}
	}
	if err := g.out.frame(g.tag, p, flush); err != nil {
		return 0, err
	}
	return len(p), nil
}
