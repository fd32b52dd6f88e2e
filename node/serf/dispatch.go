package serf

import (
	"sync"
	"sync/atomic"
)

// dispatcher passes events to handlers on one goroutine, in the order they happened,
// through the coalescers when they are enabled. emit never blocks: events beyond the
// queue's capacity are dropped and counted, so a slow handler cannot stall gossip.
type dispatcher struct {
	self  string
	obs   Observer
	in    chan Event
	drops atomic.Uint64

	mu       sync.Mutex
	handlers []*registeredHandler // copy-on-write

	member *memberCoalescer // nil when member coalescing is off
	user   *userCoalescer   // nil when user coalescing is off
}

func newDispatcher(self string, obs Observer, o Options) *dispatcher {
	d := &dispatcher{self: self, obs: obs, in: make(chan Event, o.HandlerQueue)}
	if o.CoalescePeriod > 0 {
		d.member = newMemberCoalescer(o.CoalescePeriod, o.QuiescentPeriod)
	}
	if o.UserCoalescePeriod > 0 {
		d.user = newUserCoalescer(o.UserCoalescePeriod, o.UserQuiescentPeriod)
	}
	return d
}

func (d *dispatcher) add(r *registeredHandler) {
	d.mu.Lock()
	defer d.mu.Unlock()
	hs := make([]*registeredHandler, len(d.handlers), len(d.handlers)+1)
	copy(hs, d.handlers)
	d.handlers = append(hs, r)
}

// emit queues e for the handlers. Safe to call with Serf's locks held.
func (d *dispatcher) emit(e Event) {
	select {
	case d.in <- e:
	default:
		d.drops.Add(1)
	}
}

// run is the dispatcher goroutine; it returns once shutdown is closed. Events still
// queued or held by a coalescer then are not delivered: the node is gone.
func (d *dispatcher) run(shutdown <-chan struct{}) {
	defer func() {
		if d.member != nil {
			d.member.win.stop()
		}
		if d.user != nil {
			d.user.win.stop()
		}
	}()
	for {
		var memberC, userC <-chan struct{}
		if d.member != nil {
			memberC = d.member.win.C()
		}
		if d.user != nil {
			userC = d.user.win.C()
		}
		select {
		case e := <-d.in:
			d.route(e)
		case <-memberC:
			d.deliverAll(d.member.flush())
		case <-userC:
			d.deliverAll(d.user.flush())
		case <-shutdown:
			return
		}
	}
}

func (d *dispatcher) route(e Event) {
	switch ev := e.(type) {
	case MemberEvent:
		if d.member != nil {
			d.member.add(ev)
			return
		}
	case UserEvent:
		if d.user != nil && ev.Coalesce {
			d.user.add(ev)
			return
		}
	}
	d.deliver(e)
}

func (d *dispatcher) deliverAll(es []Event) {
	for _, e := range es {
		d.deliver(e)
	}
}

func (d *dispatcher) deliver(e Event) {
	d.mu.Lock()
	hs := d.handlers
	d.mu.Unlock()
	for _, h := range hs {
		if !h.wants(e) {
			continue
		}
		if !h.internal {
			d.obs.Observe(Record{Kind: RecordHandler, Self: d.self, Handler: h.name, HandlerEvent: e})
		}
		h.h.HandleEvent(e)
	}
}
