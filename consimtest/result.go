package consimtest

import (
	"fmt"
	"strings"

	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
)

// Result is a completed, judged run.
type Result struct {
	// Scenario is the scenario as run: the seed set, defaults applied.
	Scenario *scenarios.Scenario
	// Seed is the run seed.
	Seed uint64
	// Summary is the judged run, as summary.json holds it: verdicts per read mode, lost
	// writes, membership, leaders, liveness, and the outcome of every expectation.
	Summary reports.Summary
	// Dir is the run directory, "" unless Options.Dir was set.
	Dir string
	// Reproduce is the command that replays this run, byte for byte:
	//   - with Options.Dir, "consim run DIR/scenario.yaml" (DIR made absolute: go test runs
	//     in the package's directory, and whoever reads the line rarely is);
	//   - for a built-in run as loaded, "consim run NAME --seed N";
	//   - for any other scenario (built or changed in Go), "consim run SCENARIO.yaml
	//     --seed N" followed by a note that SCENARIO.yaml is Scenario.Canonical(): no file
	//     holds that scenario until one is written, which Options.Dir does.
	// A --wall-timeout other than the default is added, as consim run prints it, and
	// --engine native for a run on the native engine.
	Reproduce string
	// Stream is the exact event stream, events.jsonl (docs/events.md).
	Stream []byte
}

// Failed returns the expectations that did not hold (reports.Failed): not those the
// checker could not decide.
func (r *Result) Failed() []reports.Expectation {
	return reports.Failed(r.Summary.Expectations)
}

// Err is nil when every expectation held. Otherwise it names each expectation that failed
// and each the checker could not decide, with its detail, says when the run's nodes had
// bugs planted, and ends with the line that reproduces the run: what `consim run` prints
// when it exits 1 or 4.
func (r *Result) Err() error {
	text := r.failures()
	if text == "" {
		return nil
	}
	return fmt.Errorf("%s\nreproduce: %s", text, r.Reproduce)
}

// failures says which expectations failed or were undecided, "" when none: Err without
// the reproduce line (a property names the file it wrote instead).
func (r *Result) failures() string {
	xs := r.Summary.Expectations
	failed, undecided := reports.Failed(xs), reports.Undecided(xs)
	if len(failed) == 0 && len(undecided) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "consimtest: %s seed %d: ", r.Scenario.Name, r.Seed)
	if len(failed) > 0 {
		fmt.Fprintf(&b, "%d of %d expectations failed:", len(failed), len(xs))
		for _, x := range failed {
			fmt.Fprintf(&b, "\n  %s: %s", x.Name, x.Detail)
		}
		if len(undecided) > 0 {
			b.WriteString("\nand the checker could not decide:")
		}
	} else {
		fmt.Fprintf(&b, "%d of %d expectations undecided: the checker reached its limit (no expectation failed, no anomaly was found there):",
			len(undecided), len(xs))
	}
	for _, x := range undecided {
		fmt.Fprintf(&b, "\n  %s: %s", x.Name, x.Detail)
	}
	if len(r.Summary.Bugs) > 0 {
		fmt.Fprintf(&b, "\nbugs were planted in the nodes of this run (%s): the findings are the planted bugs'", strings.Join(r.Summary.Bugs, ", "))
	}
	return b.String()
}
