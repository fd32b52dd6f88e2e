package sim

import (
	"fmt"
	"strings"
	"time"
)

// HarnessError is a failure of the harness, not of the system under test: the guest hung,
// crashed, or wrote something that is not an event. The CLI maps it to exit code 3.
type HarnessError struct {
	// Kind is "hang", "crash", "protocol", or "wall-time limit": a run still going when its
	// wall-time limit passed (not the guest's fault, but the run did not complete).
	Kind string
	// Virtual is how far virtual time got.
	Virtual time.Duration
	// ExitCode is the guest's exit code, for a crash.
	ExitCode uint32
	// Detail says what happened.
	Detail string
	// Output is the tail of the guest's stderr and the last lines of its stream.
	Output string
}

func (e *HarnessError) Error() string {
	var b strings.Builder
	if e.Kind == "wall-time limit" {
		fmt.Fprintf(&b, "stopped at its wall-time limit: %s", e.Detail)
	} else {
		fmt.Fprintf(&b, "harness failure: %s at virtual time %s: %s", e.Kind, e.Virtual, e.Detail)
	}
	if out := strings.TrimSpace(e.Output); out != "" {
		b.WriteString("\n--- last guest output ---\n")
		b.WriteString(out)
	}
	return b.String()
}

// tail keeps the last max bytes written to it: enough of a crashed guest's stderr to see
// the panic without holding a long trace in memory.
type tail struct {
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.buf) }
