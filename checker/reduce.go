package checker

import (
	"slices"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// The reductions below rewrite one read mode's history (kvHistory's) into a smaller
// search for porcupine with exactly the same verdict: each is sound (a history that is not
// linearizable stays so) and complete (a linearizable one stays so), with the argument in
// its comment. TestReductionsKeepVerdicts checks them against the unreduced search on
// thousands of small random histories. What makes a history hard is writes of unknown
// outcome (a request that timed out across a crash or a partition): open-ended, each may
// be linearized at any point after its call, and a crash times out dozens at once.

// unreadValue stands for every value that no operation of the history reads (abstractUnread).
// It cannot be a workload value: those are op ids.
const unreadValue = "\x00unread"

// reduce applies every reduction to hist, in the order their arguments need. It returns a
// new slice and never modifies hist's operations. The search then takes what is left in a
// canonical order (search.go).
func reduce(hist []porcupine.Operation) []porcupine.Operation {
	hist = pruneUnobserved(hist)
	hist = boundObserved(hist)
	return abstractUnread(hist)
}

// readValues is what a history's operations look at: the values its gets returned, and
// the values its cas expected.
func readValues(hist []porcupine.Operation) (gotten, expected map[string]bool) {
	gotten, expected = map[string]bool{}, map[string]bool{}
	for _, op := range hist {
		in, out := op.Input.(kvInput), op.Output.(kvOutput)
		switch {
		case in.Op == event.OpGet && out.Found:
			gotten[out.Value] = true
		case in.Op == event.OpCAS && in.Expect == expectValue:
			expected[in.ExpectValue] = true
		}
	}
	return gotten, expected
}

// isFailedCAS says whether op is a cas that answered false: a read that its condition did
// not hold.
func isFailedCAS(op porcupine.Operation) bool {
	in, out := op.Input.(kvInput), op.Output.(kvOutput)
	return in.Op == event.OpCAS && !out.OK && !out.Unknown
}

// pruneUnobserved drops each put or cas of unknown outcome p whose value v no get returned
// and no cas expected, unless a cas on its key that answered false returned at or after
// p's call.
//
// Why the verdict stays: without p, any linearization of the rest is one of the whole with
// p at the very end (open-ended, it may go there, and nothing follows it). With p, take a
// linearization and look at what follows p until the next write that takes effect: no get
// (none returned v), no cas that succeeded on its condition (none expected v; one whose
// index no read saw is a plain write, which ends the stretch), no cas that answered false
// (each such cas returned before p's call, so it is linearized before p), and only cas of
// unknown outcome whose condition v fails, which did nothing there and may as well go to
// the end. Move those to the end, remove p: the states from the next write on are the
// same, so the rest is linearizable. A failed cas that was called before p but returned
// after p's call may be linearized after p, and p may be all that explains its failure:
// that is why the condition is on its return, not its call. Pruning several at once is
// pruning them one at a time: the conditions read only gets and cas, which stay.
//
// It matters because a crash times out dozens of writes at once: kept, each may go at
// any point after its call, and a check of milliseconds runs out of time.
func pruneUnobserved(hist []porcupine.Operation) []porcupine.Operation {
	gotten, expected := readValues(hist)
	lastFailedCAS := map[string]int64{} // key -> the latest return of a cas that answered false
	for _, op := range hist {
		if isFailedCAS(op) {
			k := op.Input.(kvInput).Key
			if r, ok := lastFailedCAS[k]; !ok || op.Return > r {
				lastFailedCAS[k] = op.Return
			}
		}
	}
	var kept []porcupine.Operation
	for _, op := range hist {
		in, out := op.Input.(kvInput), op.Output.(kvOutput)
		if out.Unknown && (in.Op == event.OpPut || in.Op == event.OpCAS) && !gotten[in.Value] && !expected[in.Value] {
			if r, ok := lastFailedCAS[in.Key]; !ok || r < op.Call {
				continue
			}
		}
		kept = append(kept, op)
	}
	return kept
}

// boundObserved gives a put or cas of unknown outcome whose value a get returned, or a cas
// that succeeded expected, the return time of its first such observer (the earliest
// return after its call) instead of an open end.
//
// Why the verdict stays: values are unique, so the observer is linearized after the write,
// and the observer is linearized before its own return: every linearization of the
// history already places the write before that time. The bound only stops the search
// from trying the write anywhere later. (An observer that returned before the write was
// even called makes the history not linearizable either way.)
func boundObserved(hist []porcupine.Operation) []porcupine.Operation {
	firstSeen := map[string][]int64{} // value -> returns of its observers
	for _, op := range hist {
		in, out := op.Input.(kvInput), op.Output.(kvOutput)
		switch {
		case in.Op == event.OpGet && out.Found:
			firstSeen[out.Value] = append(firstSeen[out.Value], op.Return)
		case in.Op == event.OpCAS && out.OK && in.Expect == expectValue:
			firstSeen[in.ExpectValue] = append(firstSeen[in.ExpectValue], op.Return)
		}
	}
	out := slices.Clone(hist)
	for i, op := range out {
		in := op.Input.(kvInput)
		if !op.Output.(kvOutput).Unknown || (in.Op != event.OpPut && in.Op != event.OpCAS) {
			continue
		}
		for _, r := range firstSeen[in.Value] {
			if r > op.Call && r < out[i].Return {
				out[i].Return = r
			}
		}
	}
	return out
}

// abstractUnread writes unreadValue instead of every value that no get of the history
// returned and no cas expected.
//
// Why the verdict stays: a get either returned a value (never one of these) or missing,
// and a cas either expects a value (never one of these), or absence, or anything; so every
// operation steps the same from any two states that hold one of these values. One state
// instead of many lets porcupine's cache recognize searches it has already made.
func abstractUnread(hist []porcupine.Operation) []porcupine.Operation {
	gotten, expected := readValues(hist)
	out := slices.Clone(hist)
	for i, op := range out {
		in := op.Input.(kvInput)
		if (in.Op == event.OpPut || in.Op == event.OpCAS) && !gotten[in.Value] && !expected[in.Value] {
			in.Value = unreadValue
			out[i].Input = in
		}
	}
	return out
}
