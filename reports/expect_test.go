package reports

import (
	"testing"

	"github.com/consim/consim/scenarios"
)

// A read mode with no reads: "linearizable" holds of its empty history (a generated run
// that drew no read of that mode is no false alarm), "not-linearizable" cannot be shown.
func TestEvaluateModeWithoutReads(t *testing.T) {
	for _, c := range []struct {
		want string
		ok   bool
	}{
		{scenarios.VerdictLinearizable, true},
		{scenarios.VerdictNotLinearizable, false},
	} {
		got := Evaluate(&scenarios.Expect{Default: c.want}, Summary{}, map[string]string{"consistent": "linearizable"})
		if len(got) != 1 || got[0].OK != c.ok || got[0].Name != "default: "+c.want {
			t.Errorf("default: %s with no default reads: got %+v, want ok=%v", c.want, got, c.ok)
		}
	}
}
