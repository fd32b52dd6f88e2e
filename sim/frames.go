package sim

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// A warm worker runs job after job, so its stdout carries every job's output, framed:
// one tag byte, a big-endian uint32 length, the payload. The tags say what the payload
// is, so the parent can tell one job's stream from the next and the guest's stdout from
// its stderr without trusting anything the guest writes.
const (
	frameStdout  = 'o' // guest stdout: the event stream
	frameStderr  = 'e' // guest stderr
	frameStarted = 's' // the guest is about to start: the wall-time limit runs from here
	frameOutcome = 'r' // the job's outcome as JSON: its last frame
)

// maxFrame bounds a frame's payload: the worker writes at most this much at once.
const maxFrame = 64 << 10

// frameWriter writes frames to w, one writer at a time: the guest's stdout and stderr and
// the worker's signal handler share it.
type frameWriter struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func newFrameWriter(w io.Writer) *frameWriter {
	return &frameWriter{w: bufio.NewWriterSize(w, 2*maxFrame)}
}

// frame writes p as frames of tag, splitting it at maxFrame; flush sends them at once.
func (f *frameWriter) frame(tag byte, p []byte, flush bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for first := true; first || len(p) > 0; first = false {
		n := min(len(p), maxFrame)
		var head [5]byte
		head[0] = tag
		binary.BigEndian.PutUint32(head[1:], uint32(n))
		f.w.Write(head[:])
		if _, err := f.w.Write(p[:n]); err != nil {
			return err
		}
		p = p[n:]
	}
	if flush {
		return f.w.Flush()
	}
	return nil
}

// flush sends what is buffered.
func (f *frameWriter) flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.w.Flush()
}

// readFrame reads one frame from r.
func readFrame(r *bufio.Reader, buf []byte) (tag byte, payload []byte, err error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("sim: worker frame of %d bytes (at most %d)", n, maxFrame)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		return 0, nil, err
	}
	return head[0], buf, nil
}
