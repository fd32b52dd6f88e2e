package sim

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// pool keeps a Runner's idle warm workers: a run takes one (or starts one) and gives it
// back when the run ended normally. A worker stopped at a wall-time limit, canceled or
// broken is killed instead, so a run never inherits a worker in a state it cannot know.
type pool struct {
	mu      sync.Mutex
	idle    []*worker
	closed  bool
	started int // workers started, for tests
}

// take returns an idle worker, or starts a new one.
func (p *pool) take() (w *worker, reused bool, err error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w = p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w, true, nil
	}
	p.started++
	p.mu.Unlock()
	w, err = startWorker()
	return w, false, err
}

// give hands w back for the next run, or stops it if the pool is closed.
func (p *pool) give(w *worker) {
	p.mu.Lock()
	if !p.closed {
		p.idle = append(p.idle, w)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	w.stop()
}

// close stops every idle worker; workers still running give themselves up when they end.
func (p *pool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, w := range idle {
		w.stop()
	}
}

// worker is one worker process, as its parent sees it.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	frames *bufio.Reader
	stderr *lockedTail // the worker's own diagnostics and, if it dies, the runtime's
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
	buf    []byte
}

// startWorker starts this executable as a worker (Main).
func startWorker() (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("sim: find own executable for a worker: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	cmd.SysProcAttr = workerAttr()
	w := &worker{cmd: cmd, stderr: &lockedTail{t: tail{max: 16 << 10}}, exited: make(chan struct{})}
	cmd.Stderr = w.stderr
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("sim: worker stdin: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("sim: worker stdout: %w", err)
	}
	w.frames = bufio.NewReaderSize(stdout, 2*maxFrame)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sim: start worker: %w", err)
	}
	go func() {
		w.err = cmd.Wait()
		close(w.exited)
	}()
	return w, nil
}

// stop ends an idle worker: no more jobs, so it exits; killed if it does not.
func (w *worker) stop() {
	w.stdin.Close()
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
		w.kill()
	}
}

func (w *worker) kill() {
	w.cmd.Process.Kill()
	<-w.exited
}

// errWorkerGone is a worker that died before it started the job: a reused worker may
// have been killed while idle, and the job is then given to a new one.
var errWorkerGone = errors.New("sim: worker gone before the run started")

// exec runs one job in w. It kills w if ctx ends, or if the guest runs longer than limit
// (from the moment the worker says it started); reusable says whether w may take another
// job.
func (w *worker) exec(ctx context.Context, limit time.Duration, job []byte, stdout, stderr io.Writer) (out outcome, reusable bool, err error) {
	if _, err := w.stdin.Write(append(job, '\n')); err != nil {
		w.kill()
		return outcome{}, false, errWorkerGone
	}
	started := make(chan struct{})
	result := make(chan error, 1) // nil: out holds the outcome
	go func() {
		for {
			tag, payload, err := readFrame(w.frames, w.buf)
			w.buf = payload[:0]
			if err != nil {
				result <- err
				return
			}
			switch tag {
			case frameStdout:
				stdout.Write(payload)
			case frameStderr:
				stderr.Write(payload)
			case frameStarted:
				close(started)
			case frameOutcome:
				result <- json.Unmarshal(payload, &out)
				return
			default:
				result <- fmt.Errorf("sim: worker frame with tag %q", tag)
				return
			}
		}
	}()
	// died says how the worker died, with what it said on its way out.
	died := func(ferr error) error {
		w.kill()
		stderr.Write([]byte(w.stderr.String()))
		if isStarted(started) {
			return fmt.Errorf("sim: worker died without a status (%v; %v)", w.err, ferr)
		}
		return errWorkerGone
	}
	var deadline <-chan time.Time
	for {
		select {
		case <-started:
			started = nil
			timer := time.NewTimer(limit)
			defer timer.Stop()
			deadline = timer.C
			continue
		case ferr := <-result:
			if ferr != nil {
				return outcome{}, false, died(ferr)
			}
			return out, true, nil
		case <-ctx.Done():
			w.kill()
			<-result
			return outcome{Canceled: true}, false, nil
		case <-deadline:
		}
		break
	}
	// Ask for the virtual time first (see workerMain), then insist.
	w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-result:
	case <-time.After(2 * time.Second):
		w.kill()
		<-result
	}
	w.kill()
	out.Hung = true
	return out, false, nil
}

// isStarted says whether the started channel was closed (or already consumed: nil).
func isStarted(started chan struct{}) bool {
	if started == nil {
		return true
	}
	select {
	case <-started:
		return true
	default:
		return false
	}
}

// lockedTail is a tail written by one goroutine (os/exec's copy of the worker's stderr)
// and read by another.
type lockedTail struct {
	mu sync.Mutex
	t  tail
}

func (l *lockedTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.t.Write(p)
}

func (l *lockedTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.t.String()
}
