package serf

import "fmt"

// Clocks are the three Lamport clocks a node persists so that, once restarted, it never
// reuses a time: each is the latest time the node had used or seen (the clock's value
// minus one), as Serf's snapshot records its member clock.
type Clocks struct {
	Member, Event, Query LamportTime
}

// ClockStore keeps a node's Clocks across crashes and restarts: Serf's snapshot file
// (serf/local.snapshot in a Consul agent's data directory), clocks only. Consul also
// snapshots the members it knew, to rejoin them; here whoever restarts a node says
// where it joins.
type ClockStore interface {
	// LoadClocks returns the clocks last saved, or zero Clocks if none ever were.
	LoadClocks() (Clocks, error)
	// SaveClocks replaces the saved clocks, durably once it returns nil.
	SaveClocks(Clocks) error
}

// Without saved clocks, a restarted node starts them at 1. Its next user event may then
// take the Lamport time of an event it had delivered before the crash, and a member
// whose event minimum is past that time (it joined through a member that had seen the
// old event) drops the new one: consim's finding serf-clock-after-power-cut.

// restoreClocks starts the clocks where the saved ones left off, as Serf's Create does
// with its snapshot: each clock witnesses its saved time, and user events and queries at
// or below the saved times are ignored, so nothing delivered before the restart is
// delivered again. Called by Create before anything runs.
//
// Serf saves, as the event and query times, the Lamport time of the latest event and
// query it delivered; we save the clocks themselves. They are at least as high, and
// higher when the node witnessed a time without delivering its event (a join without
// replay hands over the cluster's clock and nothing else): a restarted node that had
// saved only what it delivered could still fire below the minimum of members that
// joined after that event.
func (s *Serf) restoreClocks(saved Clocks) {
	s.clock.Witness(saved.Member)
	s.eventClock.Witness(saved.Event)
	s.queryClock.Witness(saved.Query)
	if saved.Event > 0 {
		s.eventMinTime = saved.Event + 1
	}
	if saved.Query > 0 {
		s.queryMinTime = saved.Query + 1
	}
}

// currentClocks is what saveClocks persists.
func (s *Serf) currentClocks() Clocks {
	return Clocks{Member: s.clock.Time() - 1, Event: s.eventClock.Time() - 1, Query: s.queryClock.Time() - 1}
}

// saveClocks persists the clocks whenever one moves, one write at a time: a move during
// a write is saved by the next one. Serf writes its clock lines to a buffered file and
// syncs it only on leave and shutdown, so a power cut can take the last moves with it;
// here every move reaches the store without waiting for a timer, and only a move made
// while a write is under way can be lost (the write after it never started). Nothing is
// saved at Shutdown: a crash is a Shutdown without a leave, and a power cut gives no
// chance to write. A graceful leave keeps the clocks, as Serf with rejoin_after_leave:
// Serf otherwise forgets them on a leave, and a node that left and came back could
// reuse a time. It ends at Shutdown or at the first failed write (the store is gone:
// the disk crashed under it).
func (s *Serf) saveClocks(store ClockStore, last Clocks, moved <-chan struct{}) {
	for {
		select {
		case <-s.shutdownCh:
			return
		case <-moved:
		}
		now := s.currentClocks()
		if now == last {
			continue
		}
		if err := store.SaveClocks(now); err != nil {
			s.logger.Printf("[ERR] serf: saving the clocks: %v", err)
			return
		}
		last = now
	}
}

// String returns the clocks as "member M, event E, query Q".
func (c Clocks) String() string {
	return fmt.Sprintf("member %d, event %d, query %d", c.Member, c.Event, c.Query)
}
