package serf

import (
	"cmp"
	"slices"
	"time"
)

// User events from one origin are delivered in Lamport order. Gossip does not keep
// order (memberlist's queue even sends its newest message first), so each event carries
// Prev, the time of its origin's previous event, and waits until that one is delivered.
// It does not wait for an event it is not owed: one before the node's minimum event time
// (it joined later), one out of the buffer's window, or one before the origin (re)started
// (Prev 0). If the previous event has not come after OrderTimeout, the event is delivered
// anyway and counted as a gap; push-pull anti-entropy may still bring the missing one,
// which is then delivered late.

// pendingEvent is an event waiting for its predecessor.
type pendingEvent struct {
	e     *eventEntry
	timer *time.Timer
}

// offerLocked delivers e now if it may be, else holds it. eventMu is held.
func (s *Serf) offerLocked(e *eventEntry) {
	if s.mayDeliverLocked(&e.msg) {
		s.deliverLocked(e, false)
		s.releaseLocked(e)
		return
	}
	if len(s.pending) >= s.opts.EventBuffer {
		// Bounded: the longest-waiting event goes out now, as if its time were up.
		p := s.pending[0]
		s.pending = s.pending[1:]
		p.timer.Stop()
		s.deliverLocked(p.e, true)
		s.releaseLocked(p.e)
	}
	p := &pendingEvent{e: e}
	p.timer = time.AfterFunc(s.opts.OrderTimeout, func() { s.orderTimeout(p) })
	s.pending = append(s.pending, p)
}

// mayDeliverLocked reports whether nothing m is owed comes before it. eventMu is held.
func (s *Serf) mayDeliverLocked(m *userEventMsg) bool {
	if m.Prev == 0 || m.Prev < s.eventMinTime || s.tooOldLocked(m.Prev) {
		return true
	}
	n := LamportTime(len(s.eventBuf))
	slot := s.eventBuf[m.Prev%n]
	if slot == nil || slot.ltime != m.Prev {
		return false
	}
	for _, e := range slot.events {
		if e.msg.Origin == m.Origin && e.delivered {
			return true
		}
	}
	return false
}

// releaseLocked delivers the held events that were waiting for e, and those waiting for
// them, in order. eventMu is held.
func (s *Serf) releaseLocked(e *eventEntry) {
	for next := e; next != nil; {
		cur := next
		next = nil
		i := slices.IndexFunc(s.pending, func(p *pendingEvent) bool {
			return p.e.msg.Origin == cur.msg.Origin && p.e.msg.Prev == cur.msg.LTime
		})
		if i < 0 {
			return
		}
		p := s.pending[i]
		s.pending = slices.Delete(s.pending, i, i+1)
		p.timer.Stop()
		s.deliverLocked(p.e, false)
		next = p.e
	}
}

// orderTimeout delivers p after a gap, if it is still waiting.
func (s *Serf) orderTimeout(p *pendingEvent) {
	s.eventMu.Lock()
	defer s.eventMu.Unlock()
	i := slices.Index(s.pending, p)
	if i < 0 || s.State() == StateShutdown {
		return
	}
	s.pending = slices.Delete(s.pending, i, i+1)
	s.deliverLocked(p.e, true)
	s.releaseLocked(p.e)
}

// stopOrderTimers drops the held events at shutdown.
func (s *Serf) stopOrderTimers() {
	s.eventMu.Lock()
	defer s.eventMu.Unlock()
	for _, p := range s.pending {
		p.timer.Stop()
	}
	s.pending = nil
}

// sortEvents orders events by LTime, origin and name.
func sortEvents(es []userEventMsg) {
	slices.SortStableFunc(es, func(a, b userEventMsg) int {
		switch {
		case a.LTime != b.LTime:
			if a.LTime < b.LTime {
				return -1
			}
			return 1
		case a.Origin != b.Origin:
			return cmp.Compare(a.Origin, b.Origin)
		}
		return cmp.Compare(a.Name, b.Name)
	})
}
