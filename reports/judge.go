package reports

import (
	"time"

	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim/event"
)

// Judge derives the whole summary of a run from its stream and scenario: what `consim
// run` writes and `consim check` re-derives from a saved run directory. wall is the
// guest's wall time, zero when unknown.
func Judge(sc *scenarios.Scenario, events []event.Event, stream []byte, wall time.Duration) Summary {
	s := newSummary(events, stream, wall, CheckTimeoutOf(sc))
	s.Expectations = Evaluate(sc.Expect, s, s.Verdicts)
	return s
}
