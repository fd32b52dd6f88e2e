package serf

import (
	"slices"
	"time"
)

// window is a coalescing window: it opens with the first event, and is due when the
// coalesce period has passed since then or the quiescent period since the last event,
// whichever comes first. Used only on the dispatcher goroutine.
type window struct {
	period, quiescent time.Duration
	open              bool
	end               time.Time
	timer             *time.Timer
	fire              chan struct{}
}

func newWindow(period, quiescent time.Duration) *window {
	return &window{period: period, quiescent: quiescent, fire: make(chan struct{}, 1)}
}

// touch notes an event.
func (w *window) touch() {
	now := time.Now()
	if !w.open {
		w.open = true
		w.end = now.Add(w.period)
	}
	due := w.end
	if w.quiescent > 0 && now.Add(w.quiescent).Before(due) {
		due = now.Add(w.quiescent)
	}
	w.stop()
	w.timer = time.AfterFunc(due.Sub(now), func() {
		select {
		case w.fire <- struct{}{}:
		default:
		}
	})
}

// C is ready when the open window is due; nil while closed.
func (w *window) C() <-chan struct{} {
	if !w.open {
		return nil
	}
	return w.fire
}

// close ends the window after a flush.
func (w *window) close() {
	w.open = false
	w.stop()
	select {
	case <-w.fire:
	default:
	}
}

func (w *window) stop() {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
}

// memberCoalescer keeps each member's latest change within a window and passes them on
// grouped by type, members in name order. A change of the same type as the last one
// passed on for that member (a join after a join) is dropped, updates excepted.
type memberCoalescer struct {
	win      *window
	latest   map[string]coalescedMember
	lastSent map[string]EventType
}

type coalescedMember struct {
	typ    EventType
	member Member
}

func newMemberCoalescer(period, quiescent time.Duration) *memberCoalescer {
	return &memberCoalescer{win: newWindow(period, quiescent), latest: map[string]coalescedMember{}, lastSent: map[string]EventType{}}
}

func (c *memberCoalescer) add(e MemberEvent) {
	for _, m := range e.Members {
		c.latest[m.Name] = coalescedMember{e.Type, m}
	}
	c.win.touch()
}

func (c *memberCoalescer) flush() []Event {
	c.win.close()
	names := make([]string, 0, len(c.latest))
	for name := range c.latest {
		names = append(names, name)
	}
	slices.Sort(names)
	byType := map[EventType][]Member{}
	for _, name := range names {
		l := c.latest[name]
		if c.lastSent[name] == l.typ && l.typ != EventMemberUpdate {
			continue
		}
		if l.typ == EventMemberReap {
			delete(c.lastSent, name)
		} else {
			c.lastSent[name] = l.typ
		}
		byType[l.typ] = append(byType[l.typ], l.member)
	}
	clear(c.latest)
	var out []Event
	for _, t := range []EventType{EventMemberJoin, EventMemberLeave, EventMemberFailed, EventMemberUpdate, EventMemberReap} {
		if ms := byType[t]; len(ms) > 0 {
			out = append(out, MemberEvent{Type: t, Members: ms})
		}
	}
	return out
}

// userCoalescer keeps, for each event name, only the events of the latest Lamport time
// seen within a window, and passes them on in name order.
type userCoalescer struct {
	win    *window
	latest map[string][]UserEvent
}

func newUserCoalescer(period, quiescent time.Duration) *userCoalescer {
	return &userCoalescer{win: newWindow(period, quiescent), latest: map[string][]UserEvent{}}
}

func (c *userCoalescer) add(e UserEvent) {
	cur := c.latest[e.Name]
	switch {
	case len(cur) == 0 || e.LTime > cur[0].LTime:
		c.latest[e.Name] = []UserEvent{e}
	case e.LTime == cur[0].LTime:
		c.latest[e.Name] = append(cur, e)
	}
	c.win.touch()
}

func (c *userCoalescer) flush() []Event {
	c.win.close()
	names := make([]string, 0, len(c.latest))
	for name := range c.latest {
		names = append(names, name)
	}
	slices.Sort(names)
	var out []Event
	for _, name := range names {
		for _, e := range c.latest[name] {
			out = append(out, e)
		}
	}
	clear(c.latest)
	return out
}
