package checker

import (
	"time"

	"github.com/anishathalye/porcupine"
)

// LinearizationView is what a picture of one read mode's history needs: porcupine's model
// and its linearization info (every write plus that mode's reads, partitioned by key,
// through the same rewriting as the verdict's search, values shown as written). timeout
// bounds the search, as the verdict's did each key: a key that runs out is drawn as far
// as porcupine got.
func LinearizationView(run *Run, mode string, timeout time.Duration) (porcupine.Model, porcupine.LinearizationInfo) {
	hist, _, _ := kvHistory(run.Ops, mode)
	hist = prepareSearch(narrow(reduce(hist)), false)
	// Nothing happens after the run ends, so an open-ended return may end there: the
	// verdict is the same, and the timeline stays drawable.
	end := int64(0)
	if n := len(run.Events); n > 0 {
		end = int64(run.Events[n-1].T) + 1
	}
	for i := range hist {
		if hist[i].Return == openEnded {
			hist[i].Return = end
		}
	}
	m := KVModel()
	_, info := porcupine.CheckOperationsVerbose(m, hist, timeout)
	return m, info
}
