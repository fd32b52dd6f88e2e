package sim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// lock-partition, as `consim run lock-partition --seed 1` runs it, twice with the same
// stream: the story its comments tell, from the stream and the summary; then the same
// scenario with lock_delay 0s, where the checker must report the overlap.
func TestLockPartition(t *testing.T) {
	if testing.Short() {
		t.Skip("three 45 s runs: about 15 s of wall time")
	}
	sc := builtin(t, "lock-partition")
	res := runTwice(t, runspec.Spec{Scenario: sc, Seed: 1})
	const cut = 13.5 // seconds: the fault cut-holder starts
	sum := reports.Judge(&sc, checker.NewRun(res.Events), res.Stream, 0)
	if failed := reports.Failed(sum.Expectations); len(failed) > 0 {
		t.Fatalf("lock-partition seed 1: %s: %s", failed[0].Name, failed[0].Detail)
	}
	l := sum.Locks
	// A heal can make a healthy node look failed for a moment (stale suspicions of the
	// node that was cut off) and cost its sessions too: a later hand-over may follow.
	if l == nil || l.Clients != 2 || len(l.Handovers) == 0 {
		t.Fatalf("lock report: %+v", l)
	}
	// l1 acquires first and holds until the cut; its session is invalidated by its
	// node's serfHealth a few seconds after the cut, with the 15 s lock-delay; l1 lets
	// go one TTL after its last confirmed renewal; l2 is refused for the lock-delay and
	// gets the lock only after it.
	var firstHolder string
	for _, ev := range res.Events {
		if ev.Type == event.LockAcquire && ev.Status == event.LockHeld {
			firstHolder = ev.Client
			break
		}
	}
	h := l.Handovers[0]
	switch {
	case firstHolder != "l1" || h.Holder != "l1" || h.Next != "l2":
		t.Errorf("first holder %s; handover %+v", firstHolder, h)
	case h.Reason != "check serfHealth critical" || h.Invalidated < cut || h.Invalidated > cut+10 || h.LockDelay != 15:
		t.Errorf("invalidation: %+v", h)
	case h.LetGo == nil || *h.LetGo < cut || *h.LetGo > cut+10:
		t.Errorf("l1 let go at %v, want within a TTL of the cut", h.LetGo)
	case *h.NextAcquired < h.Invalidated+15 || h.Overlap || !h.Protected || h.Refusals < 10:
		t.Errorf("l2's acquire: %+v", h)
	}
	lost := false
	for _, ev := range res.Events {
		if ev.Type == event.LockLost && ev.Client == "l1" && ev.Reason == event.LostUnconfirmed {
			lost = true
		}
	}
	if !lost || l.FencedAcknowledged == 0 || len(l.FencedOutOfOrder) != 0 {
		t.Errorf("l1 lost its lock %v; fenced writes %d acknowledged, %d out of order", lost, l.FencedAcknowledged, len(l.FencedOutOfOrder))
	}

	// lock_delay 0s: l2 gets the lock while l1 still believes it holds it.
	nodelay := sc
	locks := *sc.Workload.Locks
	zero := scenarios.Duration(0)
	locks.LockDelay = &zero
	wl := *sc.Workload
	wl.Locks = &locks
	nodelay.Workload = &wl
	res0 := runSpec(t, runspec.Spec{Scenario: nodelay, Seed: 1}, sim.Options{})
	sum0 := reports.Judge(&nodelay, checker.NewRun(res0.Events), res0.Stream, 0)
	failed := reports.Failed(sum0.Expectations)
	if len(failed) != 1 || failed[0].Name != "lock_overlaps: 0" || !strings.Contains(failed[0].Detail, "l1 and l2 both believed they held locks/leader") {
		t.Fatalf("lock_delay 0s: failed expectations %+v", failed)
	}
	o := sum0.Locks.Overlaps[0]
	if o.A != "l1" || o.B != "l2" || o.From < cut || o.Seconds < 0.5 || o.LockDelaySeconds != 0 {
		t.Errorf("overlap: %+v", o)
	}
	if d := time.Duration(o.Seconds * float64(time.Second)); d > 10*time.Second {
		t.Errorf("overlap of %s, longer than a TTL", d)
	}
}
