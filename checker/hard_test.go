package checker

import (
	"compress/gzip"
	"io"
	"os"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// loadHistory reads a gzipped stream of workload events from testdata.
func loadHistory(t testing.TB, name string) []event.Event {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := event.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// Real histories that the checker used to leave undecided (their scenarios are beside them
// in testdata): thousands of operations, hundreds of writes of unknown outcome across a
// crash, hundreds of cas that answered false, and bursts of requests held back for seconds
// and answered at once. Each is decided: default and consistent are linearizable, stale is
// not. The work is bounded in model steps, which unlike time is the same on every
// machine, at about three times what it takes today (see the log lines); the budget is
// unlimited, so that a slow machine cannot make the test flaky.
func TestHardHistoriesAreDecided(t *testing.T) {
	for _, tc := range []struct {
		file     string
		maxSteps int64
	}{
		{"crash-under-bridge.jsonl.gz", 40_000_000},
		{"leader-isolation-200.jsonl.gz", 8_000_000},
	} {
		t.Run(tc.file, func(t *testing.T) {
			evs := loadHistory(t, tc.file)
			start := time.Now()
			vs, err := Linearizability(NewRun(evs), 0)
			if err != nil {
				t.Fatal(err)
			}
			var steps int64
			for _, mode := range []string{"default", "consistent", "stale"} {
				v := vs[mode]
				t.Logf("%-10s %s: %d reads, %d writes, %d steps, %s", mode, v.Result, v.Reads, v.Writes, v.Steps, v.Elapsed)
				steps += v.Steps
			}
			t.Logf("all modes: %d steps, %s", steps, time.Since(start))
			wantVerdict(t, vs, "default", Linearizable)
			wantVerdict(t, vs, "consistent", Linearizable)
			wantVerdict(t, vs, "stale", NotLinearizable)
			if steps > tc.maxSteps {
				t.Errorf("%d model steps, more than %d", steps, tc.maxSteps)
			}
		})
	}
}
