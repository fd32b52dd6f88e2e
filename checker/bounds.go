package checker

import (
	"slices"

	"github.com/anishathalye/porcupine"
)

// Two histories that bound a reduced history from both sides and are usually much cheaper
// to search. What keeps a reduced history hard is the writes of unknown outcome that no
// read saw but a cas that answered false might need (pruneUnobserved keeps them): each may
// go anywhere after its call, in every combination. Both bounds leave them out.

// lowerBound is hist without the writes of unknown outcome whose value no operation reads
// (still open-ended after reduce). If it is linearizable, so is hist: put them at the very
// end of its linearization, where an open-ended operation may always go. If it is not,
// nothing follows: one of them may be what explains a cas that answered false.
func lowerBound(hist []porcupine.Operation) []porcupine.Operation {
	return slices.DeleteFunc(slices.Clone(hist), unreadOpenEnded)
}

// upperBound is lower (lowerBound's) without the cas that answered false. If it is not
// linearizable, neither is the history lower came from: a cas that answered false is a
// read, and leaving reads out of a linearizable history leaves it linearizable; with no
// such cas left, the writes lowerBound left out could all go at the end (pruneUnobserved).
// If it is linearizable, nothing follows: a cas that answered false may be the anomaly.
func upperBound(lower []porcupine.Operation) []porcupine.Operation {
	return slices.DeleteFunc(slices.Clone(lower), isFailedCAS)
}

func unreadOpenEnded(op porcupine.Operation) bool {
	return op.Return == openEnded && op.Input.(kvInput).Value == unreadValue
}
