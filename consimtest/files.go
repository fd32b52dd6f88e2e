package consimtest

import (
	"bytes"
	"fmt"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
)

// runFiles is what a completed run's directory holds, by file name, as `consim run`
// writes it: the stream, the summary, the scenario as run (which replays it) and, per
// read mode judged, porcupine's view of that mode's history.
func runFiles(sc *scenarios.Scenario, run *checker.Run, sum reports.Summary, stream []byte) (map[string][]byte, error) {
	files := map[string][]byte{
		"events.jsonl":  stream,
		"summary.json":  sum.JSON(),
		"scenario.yaml": sc.Canonical(),
	}
	for mode := range sum.Verdicts {
		var b bytes.Buffer
		if err := reports.WriteHTML(&b, run, sum, mode); err != nil {
			return nil, fmt.Errorf("render linearizability-%s.html: %w", mode, err)
		}
		files["linearizability-"+mode+".html"] = b.Bytes()
	}
	return files, nil
}
