package reports

import (
	"fmt"
	"io"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/scenarios"
)

// writeLocks prints the lock-safety checker's figures, when the run had lock clients.
func writeLocks(w io.Writer, s Summary) {
	l := s.Locks
	if l == nil {
		return
	}
	fmt.Fprintf(w, "locks      %s: %d acquired (%d busy, %d failed), %d released, %d lost; %d session(s) invalidated, %d acquire(s) refused for lock-delay\n",
		count(l.Clients, "client"), l.Acquired, l.Busy, l.Failed, l.Released, l.Lost, l.Invalidated, l.LockDelayRefusals)
	for _, h := range l.Handovers {
		fmt.Fprintf(w, "handover   %s\n", describeHandover(h))
	}
	if len(l.Overlaps) == 0 {
		fmt.Fprintf(w, "safety     no two clients believed they held the same lock at once\n")
	}
	for _, o := range l.Overlaps {
		fmt.Fprintf(w, "OVERLAP    %s\n", o.Describe())
	}
	if l.FencedWrites > 0 {
		fmt.Fprintf(w, "fenced     %d write(s), %d acknowledged, %d out of LockIndex order\n", l.FencedWrites, l.FencedAcknowledged, len(l.FencedOutOfOrder))
	}
}

// describeHandover says one hand-over in words.
func describeHandover(h checker.Handover) string {
	s := fmt.Sprintf("%s on %s: session invalidated at %.3f s (%s, lock-delay %.0f s)", h.Key, h.Holder, h.Invalidated, h.Reason, h.LockDelay)
	if h.LetGo != nil {
		s += fmt.Sprintf(", %s let go at %.3f s", h.Holder, *h.LetGo)
	} else {
		s += fmt.Sprintf(", %s believed it held it to the end", h.Holder)
	}
	if h.NextAcquired != nil {
		s += fmt.Sprintf(", %s acquired it at %.3f s", h.Next, *h.NextAcquired)
	}
	if h.Refusals > 0 {
		s += fmt.Sprintf(" after %d refusal(s) for lock-delay", h.Refusals)
	}
	switch {
	case h.Overlap:
		s += ": OVERLAP"
	case h.Protected:
		s += ": lock-delay kept it out"
	}
	return s
}

// lockExpectations judges expect.lock_overlaps and expect.fenced_out_of_order.
func lockExpectations(e *scenarios.Expect, s Summary) []Expectation {
	var out []Expectation
	l := s.Locks
	if n := e.LockOverlaps; n != nil {
		x := Expectation{Name: fmt.Sprintf("lock_overlaps: %d", *n)}
		switch {
		case l == nil:
			x.Detail = "no lock client recorded anything"
		default:
			x.OK = len(l.Overlaps) <= *n
			x.Detail = fmt.Sprintf("%d overlap(s), %.3f s in all, over %d acquire(s)", len(l.Overlaps), l.OverlapSeconds, l.Acquired)
			if len(l.Overlaps) > 0 {
				x.Detail += "; first: " + l.Overlaps[0].Describe()
			}
		}
		out = append(out, x)
	}
	if n := e.FencedOutOfOrder; n != nil {
		x := Expectation{Name: fmt.Sprintf("fenced_out_of_order: %d", *n)}
		switch {
		case l == nil || l.FencedWrites == 0:
			x.OK, x.Detail = true, "no fenced write was made: nothing contradicts it"
		default:
			x.OK = len(l.FencedOutOfOrder) <= *n
			x.Detail = fmt.Sprintf("%d of %d acknowledged fenced write(s) out of LockIndex order", len(l.FencedOutOfOrder), l.FencedAcknowledged)
		}
		out = append(out, x)
	}
	return out
}
