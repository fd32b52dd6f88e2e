package sim

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/consim/consim/event"
)

// streamReader receives the guest's stdout as wazero hands it over (synchronously, from
// the guest's fd_write), keeps the exact bytes and decodes each complete line.
type streamReader struct {
	raw     bytes.Buffer
	partial []byte
	events  []event.Event
	onEvent func(event.Event)
	err     error
}

func (s *streamReader) Write(p []byte) (int, error) {
	s.raw.Write(p)
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		line := s.partial[:i]
		var ev event.Event
		if err := json.Unmarshal(line, &ev); err != nil && s.err == nil {
			s.err = fmt.Errorf("guest wrote a line that is not an event: %q: %v", line, err)
		} else if err == nil {
			s.events = append(s.events, ev)
			if s.onEvent != nil {
				s.onEvent(ev)
			}
		}
		s.partial = s.partial[i+1:]
	}
	return len(p), nil
}

// lastLines returns up to n of the last complete lines of the stream.
func (s *streamReader) lastLines(n int) string {
	lines := bytes.Split(bytes.TrimRight(s.raw.Bytes(), "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
