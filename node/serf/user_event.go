package serf

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/consim/consim/node/serf/filter"
)

// eventState is the user-event side of a Serf. eventMu guards it.
type eventState struct {
	eventMu sync.Mutex
	// eventBuf remembers the events of the last EventBuffer Lamport times, indexed by
	// LTime modulo its length: de-duplication and push-pull read it.
	eventBuf []*eventSlot
	// eventMinTime: events before it are ignored (set when joining without Replay).
	eventMinTime LamportTime
	// lastFired is the LTime of this node's latest event: the next one's Prev.
	lastFired LamportTime
	// pending holds events waiting for their origin's previous event (order.go).
	pending []*pendingEvent
	// lastDelivered is the latest LTime delivered per origin, to flag late deliveries.
	lastDelivered map[string]LamportTime
	eventStats    struct{ duplicate, old, gap, late uint64 }
}

type eventSlot struct {
	ltime  LamportTime
	events []*eventEntry
}

type eventEntry struct {
	msg       userEventMsg
	delivered bool
	// pushPull: it came in a push-pull (a join's or anti-entropy's), not by gossip.
	pushPull bool
}

func (s *Serf) initEvents() {
	s.eventBuf = make([]*eventSlot, s.opts.EventBuffer)
	s.lastDelivered = map[string]LamportTime{}
}

// EventOptions are the optional parts of a user event.
type EventOptions struct {
	// Coalesce lets handlers of a node with UserCoalescePeriod see only the latest event
	// of this name within the period.
	Coalesce bool
	// Filter selects the members that deliver the event (zero: all). Every member still
	// gossips it on; only selected ones deliver it and run handlers.
	Filter filter.Filter
}

// UserEvent fires a user event: it is delivered here at once and gossiped to every
// member, each of which delivers it once, in Lamport order with the other events from
// this node. Name plus payload may be at most Options.EventSizeLimit bytes. It returns
// the event's Lamport time.
func (s *Serf) UserEvent(name string, payload []byte, opts EventOptions) (LamportTime, error) {
	msg, err := s.newUserEvent(name, payload, opts)
	ev := &UserEvent{Origin: s.cfg.Name, Name: name, Payload: payload, Coalesce: opts.Coalesce, Filter: opts.Filter}
	if msg != nil {
		ev.LTime = msg.LTime
	}
	// Recorded before the local delivery, so that a stream reads fired, then delivered.
	s.obs.Observe(Record{Kind: RecordEventFired, Self: s.cfg.Name, Event: ev, Size: len(name) + len(payload), Err: err})
	if err != nil {
		return 0, err
	}
	raw := msg.encode()
	if s.handleUserEvent(msg, false) {
		s.queue(s.eventQ, raw, nil)
	}
	return msg.LTime, nil
}

// newUserEvent checks a user event and stamps it with the event clock.
func (s *Serf) newUserEvent(name string, payload []byte, opts EventOptions) (*userEventMsg, error) {
	fail := func(format string, args ...any) (*userEventMsg, error) {
		return nil, fmt.Errorf("serf %s: user event %q: %s", s.cfg.Name, name, fmt.Sprintf(format, args...))
	}
	if err := checkName(name); err != nil {
		return fail("%v", err)
	}
	if size := len(name) + len(payload); size > s.opts.EventSizeLimit {
		return fail("name + payload are %d bytes, over the limit of %d (EventSizeLimit; hard cap %d)", size, s.opts.EventSizeLimit, MaxEventSizeLimit)
	}
	if _, err := opts.Filter.Compile(); err != nil {
		return fail("%v", err)
	}
	if s.State() != StateAlive {
		return fail("%v", ErrNotAlive)
	}
	msg := &userEventMsg{Origin: s.cfg.Name, Name: name, Payload: payload, Coalesce: opts.Coalesce, Filter: opts.Filter}
	// Check the size with the largest clock values before taking a time from the clock.
	msg.LTime, msg.Prev = math.MaxUint64, math.MaxUint64
	if n := len(msg.encode()); n > MaxMessageSize {
		return fail("encoded with its filter it takes %d bytes, over the %d that fit a gossip packet", n, MaxMessageSize)
	}
	s.eventMu.Lock()
	msg.LTime = s.eventClock.Time()
	s.eventClock.Increment()
	msg.Prev, s.lastFired = s.lastFired, msg.LTime
	s.eventMu.Unlock()
	return msg, nil
}

// checkName checks an event or query name: not empty, and no comma or space, which
// handler filters could not name.
func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	if strings.ContainsAny(name, ", \t\n") {
		return fmt.Errorf("name contains a comma or white space, which a handler filter could not name")
	}
	return nil
}

// handleUserEvent takes in a user event (fired here, gossiped or, pushPull, from a
// push-pull) and reports whether it was new, and so worth gossiping on.
func (s *Serf) handleUserEvent(msg *userEventMsg, pushPull bool) bool {
	s.eventClock.Witness(msg.LTime)
	s.eventMu.Lock()
	defer s.eventMu.Unlock()
	if msg.LTime < s.eventMinTime {
		return false
	}
	if s.tooOldLocked(msg.LTime) {
		s.eventStats.old++
		return false
	}
	n := LamportTime(len(s.eventBuf))
	slot := s.eventBuf[msg.LTime%n]
	if slot == nil || slot.ltime != msg.LTime {
		slot = &eventSlot{ltime: msg.LTime}
		s.eventBuf[msg.LTime%n] = slot
	} else {
		for _, e := range slot.events {
			if e.msg.Origin == msg.Origin && e.msg.Name == msg.Name && bytes.Equal(e.msg.Payload, msg.Payload) {
				s.eventStats.duplicate++
				if s.cfg.UnsafeDeliverDuplicateEvents && e.delivered {
					s.deliverLocked(e, false) // the planted bug: once more
				}
				return false
			}
		}
	}
	e := &eventEntry{msg: *msg, pushPull: pushPull}
	slot.events = append(slot.events, e)
	s.offerLocked(e)
	return true
}

// tooOldLocked reports whether an event of time lt has fallen out of the buffer's
// window. eventMu is held.
func (s *Serf) tooOldLocked(lt LamportTime) bool {
	cur, n := s.eventClock.Time(), LamportTime(len(s.eventBuf))
	return cur > n && lt < cur-n
}

// deliverLocked delivers e here: recorded and passed to handlers if the event's filter
// selects this node. eventMu is held.
func (s *Serf) deliverLocked(e *eventEntry, gap bool) {
	e.delivered = true
	if gap {
		s.eventStats.gap++
	}
	m := &e.msg
	late := m.LTime < s.lastDelivered[m.Origin]
	if late {
		s.eventStats.late++
	}
	s.lastDelivered[m.Origin] = max(s.lastDelivered[m.Origin], m.LTime)
	matcher, err := m.Filter.Compile()
	if err != nil {
		s.logger.Printf("[WARN] serf: user event %s from %s: %v", m.Name, m.Origin, err)
		return
	}
	if !matcher.Match(s.cfg.Name, s.Tags()) {
		return
	}
	ev := UserEvent{LTime: m.LTime, Origin: m.Origin, Name: m.Name, Payload: m.Payload, Coalesce: m.Coalesce, Filter: m.Filter}
	s.obs.Observe(Record{Kind: RecordEventDelivered, Self: s.cfg.Name, Event: &ev, Gap: gap, Late: late, PushPull: e.pushPull, Size: len(m.Name) + len(m.Payload)})
	s.disp.emit(ev)
}

// recentEvents returns every event in the buffer, by LTime, origin and name, for a
// push-pull.
func (s *Serf) recentEvents() []userEventMsg {
	s.eventMu.Lock()
	defer s.eventMu.Unlock()
	var out []userEventMsg
	for _, slot := range s.eventBuf {
		if slot == nil {
			continue
		}
		for _, e := range slot.events {
			out = append(out, e.msg)
		}
	}
	sortEvents(out)
	return out
}
