package reports

import (
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/scenarios"
)

// Judge derives the whole summary of a run, verdicts and expectations included, from its
// decoded stream and its scenario: what `consim run` writes and `consim check` re-derives
// from a saved run directory, and what every rendering (text, JSON, HTML) reads. stream
// is the stream's bytes (for its hash); wall is the guest's wall time, zero when unknown.
func Judge(sc *scenarios.Scenario, run *checker.Run, stream []byte, wall time.Duration) Summary {
	s := newSummary(run, stream, wall, CheckTimeoutOf(sc))
	s.Expectations = Evaluate(sc.Expect, s, s.Verdicts)
	return s
}
