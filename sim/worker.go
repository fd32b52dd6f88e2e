package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// workerEnv marks a process started by Runner.Run to execute one guest run.
const workerEnv = "CONSIM_GUEST_WORKER"

// workersEnabled is set by Main: only a program that calls Main can be re-executed as a
// worker. Without it, runs stay in-process (and slower: see newEngine).
var workersEnabled atomic.Bool

// Main must be called first thing in main (and in TestMain of packages whose tests run
// the guest). In a worker process it runs the requested guest run and exits; otherwise it
// returns at once and lets Runner.Run use worker processes.
//
// A worker isolates the run: the parent enforces the wall-time limit by killing it, so
// the guest needs no interruption checks and runs about twice as fast, and a guest that
// exhausts memory takes down only its worker.
func Main() {
	if os.Getenv(workerEnv) != "1" {
		workersEnabled.Store(true)
		return
	}
	os.Exit(workerMain())
}

// startedLine is the first thing a worker writes on its status pipe, just before the
// guest starts: the parent's wall-time limit runs from there.
const startedLine = "started\n"

// workerJob is what the parent sends a worker on stdin.
type workerJob struct {
	Wasm  string          `json:"wasm"`
	Seed  uint64          `json:"seed"`
	Input json.RawMessage `json:"input"`
}

// workerMain runs one job: the guest's stdout and stderr pass straight through, and the
// outcome goes to file descriptor 3 as JSON.
func workerMain() int {
	status := os.NewFile(3, "status")
	if status == nil {
		fmt.Fprintln(os.Stderr, "consim worker: no status pipe on fd 3")
		return 1
	}
	var job workerJob
	if err := json.NewDecoder(os.Stdin).Decode(&job); err != nil {
		fmt.Fprintf(os.Stderr, "consim worker: read job: %v\n", err)
		return 1
	}
	wasm, err := os.ReadFile(job.Wasm)
	if err != nil {
		fmt.Fprintf(os.Stderr, "consim worker: %v\n", err)
		return 1
	}
	ctx := context.Background()
	eng, err := newEngine(ctx, wasm, false)
	if err != nil {
		fmt.Fprintf(os.Stderr, "consim worker: %v\n", err)
		return 1
	}
	defer eng.close()
	stdout := bufio.NewWriterSize(os.Stdout, 64<<10)
	clock := newVirtualClock()
	var once sync.Mutex
	report := func(out outcome) int {
		once.Lock() // one report, whoever comes first; the other never returns
		stdout.Flush()
		if err := json.NewEncoder(status).Encode(out); err != nil {
			fmt.Fprintf(os.Stderr, "consim worker: write status: %v\n", err)
			return 1
		}
		return 0
	}
	// The parent sends SIGTERM when the wall-time limit passes: say how far virtual time
	// got (the guest is stuck, so the clock is still) and go. SIGKILL follows if this
	// goroutine cannot run.
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go func() {
		<-term
		os.Exit(report(outcome{Hung: true, Virtual: clock.elapsed(), Stalled: clock.stalled()}))
	}()
	// The wall-time limit covers the guest, not process start and compilation.
	if _, err := io.WriteString(status, startedLine); err != nil {
		fmt.Fprintf(os.Stderr, "consim worker: write status: %v\n", err)
		return 1
	}
	return report(eng.exec(ctx, clock, job.Input, job.Seed, &lineFlusher{w: stdout}, os.Stderr))
}

// lineFlusher buffers the guest's many small writes and flushes at a line end once the
// buffer is half full or a tenth of a second has passed, so the parent sees events
// promptly (progress bars) without a syscall per event.
type lineFlusher struct {
	w    *bufio.Writer
	last time.Time
}

func (l *lineFlusher) Write(p []byte) (int, error) {
	n, err := l.w.Write(p)
	if err != nil || len(p) == 0 || p[len(p)-1] != '\n' {
		return n, err
	}
	if now := time.Now(); l.w.Buffered() > 32<<10 || now.Sub(l.last) > 100*time.Millisecond {
		l.last = now
		err = l.w.Flush()
	}
	return n, err
}

// execInWorker runs one execution in a child process. It kills the child if ctx ends, or
// if the guest runs longer than limit (from the moment the worker says it started).
func execInWorker(ctx context.Context, limit time.Duration, wasmPath string, input []byte, seed uint64, stdout, stderr io.Writer) (outcome, error) {
	exe, err := os.Executable()
	if err != nil {
		return outcome{}, fmt.Errorf("sim: find own executable for a worker: %w", err)
	}
	job, err := json.Marshal(workerJob{Wasm: wasmPath, Seed: seed, Input: input})
	if err != nil {
		return outcome{}, fmt.Errorf("sim: encode worker job: %w", err)
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return outcome{}, fmt.Errorf("sim: worker status pipe: %w", err)
	}
	defer statusR.Close()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	cmd.Stdin = bytes.NewReader(job)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.ExtraFiles = []*os.File{statusW}
	if err := cmd.Start(); err != nil {
		statusW.Close()
		return outcome{}, fmt.Errorf("sim: start worker: %w", err)
	}
	statusW.Close()
	started := make(chan struct{})
	statusCh := make(chan []byte, 1)
	go func() {
		br := bufio.NewReader(statusR)
		if line, _ := br.ReadString('\n'); line == startedLine {
			close(started)
		}
		b, _ := io.ReadAll(br)
		statusCh <- b
	}()
	waitCh := make(chan error, 1)
	go func() { waitCh <- cmd.Wait() }()

	var deadline <-chan time.Time
	for {
		select {
		case <-started:
			started = nil
			timer := time.NewTimer(limit)
			defer timer.Stop()
			deadline = timer.C
			continue
		case werr := <-waitCh:
			var out outcome
			if err := json.Unmarshal(<-statusCh, &out); err != nil {
				return outcome{}, fmt.Errorf("sim: worker died without a status (%v)", werr)
			}
			return out, nil
		case <-ctx.Done():
			cmd.Process.Kill()
			<-waitCh
			return outcome{Canceled: true}, nil
		case <-deadline:
		}
		break
	}
	// Ask for the virtual time first (see workerMain), then insist.
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-waitCh:
	case <-time.After(2 * time.Second):
		cmd.Process.Kill()
		<-waitCh
	}
	var out outcome
	json.Unmarshal(<-statusCh, &out)
	out.Hung = true
	return out, nil
}
