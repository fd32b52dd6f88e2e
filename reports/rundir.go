package reports

import (
	"bytes"
	"fmt"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/scenarios"
)

// RunFiles is what a completed run's directory holds, by file name: the stream, the
// summary, the scenario as run (which replays it), and the pages (Pages). `consim run
// --out` and consimtest.Options.Dir both write exactly this.
func RunFiles(sc *scenarios.Scenario, run *checker.Run, sum Summary, stream []byte) (map[string][]byte, error) {
	files, err := Pages(sc, run, sum)
	if err != nil {
		return nil, err
	}
	files["events.jsonl"] = stream
	files["summary.json"] = sum.JSON()
	files["scenario.yaml"] = sc.Canonical()
	return files, nil
}

// Pages are the HTML pages of a run directory, by file name, rendered from the judged
// run: report.html and, per read mode judged, the linearizability view of that mode's
// history. `consim report DIR` redraws them from a saved run.
func Pages(sc *scenarios.Scenario, run *checker.Run, sum Summary) (map[string][]byte, error) {
	files := map[string][]byte{}
	for mode := range sum.Verdicts {
		var b bytes.Buffer
		if err := WriteHTML(&b, run, sum, mode); err != nil {
			return nil, fmt.Errorf("render %s: %w", ViewFile(mode), err)
		}
		files[ViewFile(mode)] = b.Bytes()
	}
	var b bytes.Buffer
	if err := WriteReport(&b, sc, run, sum); err != nil {
		return nil, fmt.Errorf("render %s: %w", ReportFile, err)
	}
	files[ReportFile] = b.Bytes()
	return files, nil
}
