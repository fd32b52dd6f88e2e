package checker

import (
	"testing"
	"time"

	"github.com/consim/consim/event"
)

func ts(s float64) event.Time { return event.Time(time.Duration(s * float64(time.Second))) }

func lockRun(evs ...event.Event) *Run { return NewRun(evs) }

// lockStory is a cut-off holder: l1 holds lk with s1 from 1 s; the servers invalidate s1
// at 4 s with a lock-delay of delay; l1 lets go at 11 s (its renewals unconfirmed); l2 is
// refused at 5 s and acquires at next.
func lockStory(delay, next float64, refused bool) *Run {
	evs := []event.Event{
		{T: ts(0.5), Type: event.LockSession, Client: "l1", Session: "s1", Status: event.StatusOK},
		{T: ts(0.6), Type: event.LockSession, Client: "l2", Session: "s2", Status: event.StatusOK},
		{T: ts(1), Type: event.LockAcquire, Client: "l1", Key: "lk", Session: "s1", Status: event.LockHeld},
		{T: ts(2), Type: event.LockAcquire, Client: "l2", Key: "lk", Session: "s2", Status: event.LockBusy},
		{T: ts(4), Type: event.SessionInvalidate, Node: "server-1", Session: "s1", Reason: "check serfHealth critical", Keys: []string{"lk"}, LockDelay: event.Duration(time.Duration(delay * float64(time.Second)))},
		{T: ts(4), Type: event.SessionInvalidate, Node: "server-2", Session: "s1", Reason: "check serfHealth critical", Keys: []string{"lk"}},
	}
	if refused {
		evs = append(evs, event.Event{T: ts(5), Type: event.LockDelayed, Node: "server-1", Key: "lk", Session: "s2"})
	}
	evs = append(evs,
		event.Event{T: ts(next), Type: event.LockAcquire, Client: "l2", Key: "lk", Session: "s2", Status: event.LockHeld},
		event.Event{T: ts(11), Type: event.LockLost, Client: "l1", Key: "lk", Session: "s1", Reason: event.LostUnconfirmed},
		event.Event{T: ts(30), Type: event.LockRelease, Client: "l2", Key: "lk", Session: "s2"},
	)
	return lockRun(evs...)
}

// Lock-delay longer than the holder's doubt: no overlap, and the hand-over says
// lock-delay protected it.
func TestLocksProtectedByLockDelay(t *testing.T) {
	r := Locks(lockStory(15, 19, true))
	if r == nil || len(r.Overlaps) != 0 || r.OverlapSeconds != 0 {
		t.Fatalf("overlaps: %+v", r)
	}
	if len(r.Handovers) != 1 {
		t.Fatalf("handovers: %+v", r.Handovers)
	}
	h := r.Handovers[0]
	if h.Holder != "l1" || h.Next != "l2" || *h.LetGo != 11 || *h.NextAcquired != 19 || h.Overlap || !h.Protected || h.Refusals != 1 || h.LockDelay != 15 {
		t.Errorf("handover: %+v", h)
	}
	if r.Invalidated != 1 || r.Acquired != 2 || r.Busy != 1 || r.Lost != 1 || r.Released != 1 || r.Clients != 2 || r.Sessions != 2 {
		t.Errorf("counts: %+v", r)
	}
}

// No lock-delay: the next holder acquires while the cut-off one still believes.
func TestLocksOverlapWithoutLockDelay(t *testing.T) {
	r := Locks(lockStory(0, 4.5, false))
	if len(r.Overlaps) != 1 || r.OverlapSeconds != 6.5 {
		t.Fatalf("overlaps: %+v", r.Overlaps)
	}
	o := r.Overlaps[0]
	if o.A != "l1" || o.B != "l2" || o.From != 4.5 || o.To != 11 || o.LockDelaySeconds != 0 {
		t.Errorf("overlap: %+v", o)
	}
	if h := r.Handovers[0]; !h.Overlap || h.Protected {
		t.Errorf("handover: %+v", h)
	}
	if got, want := o.Describe(), "l1 and l2 both believed they held lk for 6.500 s (4.500 s to 11.000 s); no lock-delay kept l2 out"; got != want {
		t.Errorf("Describe: %q, want %q", got, want)
	}
}

// Fenced writes: one acknowledged after a higher LockIndex's acknowledgement is out of
// order; concurrent ones are not judged.
func TestLocksFencedOrder(t *testing.T) {
	r := Locks(lockRun(
		event.Event{T: ts(1), Type: event.LockAcquire, Client: "l2", Key: "lk", Session: "s2", Status: event.LockHeld},
		event.Event{T: ts(1), Type: event.FenceCall, Client: "l2", OpID: "l2-f1", Key: "lk/fence", LockIndex: 2},
		event.Event{T: ts(2), Type: event.FenceReturn, Client: "l2", OpID: "l2-f1", Status: event.StatusOK},
		event.Event{T: ts(1.5), Type: event.FenceCall, Client: "l1", OpID: "l1-f1", Key: "lk/fence", LockIndex: 1},
		event.Event{T: ts(2.5), Type: event.FenceReturn, Client: "l1", OpID: "l1-f1", Status: event.StatusOK},
		event.Event{T: ts(3), Type: event.FenceCall, Client: "l1", OpID: "l1-f2", Key: "lk/fence", LockIndex: 1},
		event.Event{T: ts(4), Type: event.FenceReturn, Client: "l1", OpID: "l1-f2", Status: event.StatusOK},
		event.Event{T: ts(5), Type: event.FenceCall, Client: "l1", OpID: "l1-f3", Key: "lk/fence", LockIndex: 1},
		event.Event{T: ts(6), Type: event.FenceReturn, Client: "l1", OpID: "l1-f3", Status: event.StatusUnknown},
	))
	if r.FencedWrites != 4 || r.FencedAcknowledged != 3 {
		t.Errorf("fenced counts: %+v", r)
	}
	if len(r.FencedOutOfOrder) != 1 || r.FencedOutOfOrder[0].OpID != "l1-f2" || r.FencedOutOfOrder[0].After != "l2-f1" {
		t.Errorf("out of order: %+v", r.FencedOutOfOrder)
	}
}

// A run without lock events has no lock report.
func TestLocksAbsent(t *testing.T) {
	if r := Locks(lockRun(event.Event{Type: event.RunStart})); r != nil {
		t.Errorf("report without lock events: %+v", r)
	}
}
