package world

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/event/owed"
)

// emitter writes the event stream. Every event is stamped with virtual time since the
// world started and written as one line at once, so the host sees every event up to a
// crash. Safe for concurrent use: observers call it from library goroutines.
type emitter struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	count int
	// owed follows the user events owed to members as the stream is written: the
	// liveness phase waits until none is missing.
	owed owed.Ledger
}

func newEmitter(w io.Writer) *emitter {
	return &emitter{w: w, start: time.Now()}
}

func (e *emitter) now() time.Duration { return time.Since(e.start) }

func (e *emitter) emit(ev event.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ev.T = event.Time(time.Since(e.start))
	b, err := json.Marshal(ev)
	if err != nil {
		// An event that cannot be encoded is a bug in the world, not in the system
		// under test: fail loudly.
		panic(fmt.Sprintf("world: encode %s event: %v", ev.Type, err))
	}
	e.w.Write(append(b, '\n'))
	e.count++
	e.owed.Observe(ev)
}

// undelivered is how many owed user-event deliveries have not been made yet.
func (e *emitter) undelivered() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, missing := e.owed.Counts()
	return missing
}

// sink is where events go: the stream, or one agent's voice in it.
type sink interface{ emit(event.Event) }

// voice is one run of one agent's way into the stream: its observers, its gossip records
// and its log lines. A crash silences it at once: a node that lost power says nothing
// more, while its goroutines still wind down (lifecycle.go's crash).
type voice struct {
	e      *emitter
	silent atomic.Bool
}

func (v *voice) emit(ev event.Event) {
	if !v.silent.Load() {
		v.e.emit(ev)
	}
}

// logWriter turns one node's library log output into log events (--trace).
type logWriter struct {
	e    sink
	node string
}

func (l *logWriter) Write(p []byte) (int, error) {
	for _, line := range splitLines(p) {
		l.e.emit(event.Event{Type: event.Log, Node: l.node, Text: line})
	}
	return len(p), nil
}

func splitLines(p []byte) []string {
	var out []string
	start := 0
	for i, c := range p {
		if c == '\n' {
			if i > start {
				out = append(out, string(p[start:i]))
			}
			start = i + 1
		}
	}
	if start < len(p) {
		out = append(out, string(p[start:]))
	}
	return out
}
