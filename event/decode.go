package event

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
)

// Decode reads a whole stream (events.jsonl), one event a line. A line that is not an
// event is an error naming its line number.
func Decode(stream []byte) ([]Event, error) {
	var out []Event
	sc := bufio.NewScanner(bytes.NewReader(stream))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("line %d: not an event: %w", line, err)
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read stream: %w", err)
	}
	return out, nil
}
