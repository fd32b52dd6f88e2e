package event

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// A duration is written as the Go text the scenario spells and read back exactly; text
// that is not a duration is an error that says so, not a zero.
func TestDurationJSON(t *testing.T) {
	for _, d := range []time.Duration{32 * time.Second, time.Minute, 1500 * time.Millisecond, 7077690980} {
		b, err := json.Marshal(Duration(d))
		if err != nil {
			t.Fatal(err)
		}
		if want := `"` + d.String() + `"`; string(b) != want {
			t.Errorf("%v marshals to %s, want %s", d, b, want)
		}
		var back Duration
		if err := json.Unmarshal(b, &back); err != nil || back.D() != d {
			t.Errorf("%s reads back as %v (%v), want %v", b, back.D(), err, d)
		}
	}
	for _, bad := range []string{`"soon"`, `32`, `"1x"`} {
		var d Duration
		err := json.Unmarshal([]byte(bad), &d)
		if err == nil || !strings.Contains(err.Error(), "bad duration") {
			t.Errorf("%s: got %v, want a bad duration error", bad, err)
		}
	}
}
