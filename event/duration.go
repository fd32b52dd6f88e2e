package event

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a length of virtual time that the stream writes as Go duration text
// ("32s", "1m0s"), as the scenario file spells it. It is parsed once, here, when a stream
// is decoded: readers get a time.Duration, never text to parse back.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns the Go duration text.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the Go duration text as a JSON string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads Go duration text.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("event: bad duration %s: want Go duration text such as \"1m30s\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("event: bad duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}
