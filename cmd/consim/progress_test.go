package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// Without a terminal, progress is a line now and then, never a bar: a CI log of a long run
// shows it is moving.
func TestProgressLinesWithoutATerminal(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 40*time.Second)
	p.update(event.Event{T: event.Time(5 * time.Second)})
	if b.Len() != 0 {
		t.Fatalf("a line before one was due: %q", b.String())
	}
	p.next = time.Now() // due
	p.update(event.Event{T: event.Time(10 * time.Second)})
	p.next = time.Now()
	p.update(event.Event{T: event.Time(41 * time.Second)})
	p.finish()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "consim: 10.0 s of 40.0 s virtual (25%), ") ||
		!strings.HasPrefix(lines[1], "consim: 41.0 s virtual, in the liveness phase, ") {
		t.Errorf("progress lines:\n%s", b.String())
	}
}
