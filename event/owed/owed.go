// Package owed follows, event by event, which user events each member is owed: the rule
// the user-event checker judges delivery by and the rule the world's liveness phase waits
// on, written once so that the two cannot disagree.
//
// A member is owed an event when it was up at the moment the event was fired, its tags
// then matched the event's filter, and it has stayed up since: a member that went down
// meanwhile may or may not have had it, and is not counted either way. A member whose join
// was still under way when the event fired is not owed it once that join completes: Serf
// ignores every event the cluster had seen before a join's push-pull (unless it replays),
// and whether this one had reached the member it joined through is a race. For the same
// reason a member that has joined is not owed an event fired later at a Lamport time no
// later than the latest fired before its join: Serf's joiner drops every event below the
// event clock of the member it joined through, and an origin whose clock had not yet
// witnessed the latest event fires below it (Lamport time is not real time). And an event
// every member that had it went down with is owed to no one: Serf keeps events in memory,
// so an origin that crashed before gossiping one took it along, and so did a power cut of
// every server that had one while a cut-off member waited for it. A delivery after that
// (a packet sent before the crash may still arrive) makes it owed again.
package owed

import (
	"slices"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node/serf/filter"
)

// Key names one user event: its origin, name and Lamport time.
type Key struct {
	Origin, Name string
	LTime        uint64
}

// Fired is one fired event and who it is owed to.
type Fired struct {
	Key Key
	At  event.Time
	// Eligible are the members up and matching the filter when it was fired.
	Eligible map[string]bool
	// Delivered are the eligible members that delivered it at least once since.
	Delivered map[string]bool
	// Gone are the eligible members that went down after it was fired: no longer owed.
	Gone map[string]bool
	// joining are the eligible members whose join was under way when it was fired;
	// Excused those of them whose join has completed since: no longer owed.
	joining, Excused map[string]bool
	// holders are the members up that have it: the origin, and every member that
	// delivered it since. None left: lost, owed to no one (until a delivery brings it
	// back: a packet sent before the crash may still arrive). A slice, not a map: a map
	// made in the world draws from the runtime's random source (see Ledger).
	holders []string
	match   *filter.Matcher // nil: every member
}

// Lost reports whether every member that had the event has gone down since: its origin
// before any other member had it, or every member that had it at once.
func (f *Fired) Lost() bool { return len(f.holders) == 0 }

// hold records that member n has the event now.
func (f *Fired) hold(n string) {
	if !slices.Contains(f.holders, n) {
		f.holders = append(f.holders, n)
	}
}

// Owes reports whether the event is owed to member n: not lost, n eligible, up ever
// since, and not excused by a join in progress.
func (f *Fired) Owes(n string) bool {
	return !f.Lost() && f.Eligible[n] && !f.Gone[n] && !f.Excused[n]
}

// Ledger reads a stream and keeps, for every fired event, who it is owed to and who has
// delivered it. The zero value is an empty ledger.
//
// The world keeps one as it writes the stream, so until an event fires the ledger makes
// no map: making one draws from the Go runtime's random source, which raft's election
// timeouts share, and a ledger would otherwise change every run of the world.
type Ledger struct {
	members []member // in first-up order, for a deterministic iteration
	fired   map[Key]*Fired
	order   []*Fired
	// latest is the highest Lamport time fired so far: no member's event clock is above
	// it plus one, so a joiner ignores, at most, events at or below it.
	latest uint64
}

type member struct {
	name string
	up   bool
	tags map[string]string
	// joined: a join has completed since the member last came up (the first server, which
	// the others join, never joins anyone and so never stops joining; it is not excused
	// from anything, since nothing completes).
	joined bool
	// ignoresUpTo: the latest Lamport time fired before its last completed join; the
	// events it may ignore (Serf's eventMinTime, at most this plus one).
	ignoresUpTo uint64
}

// New returns an empty ledger.
func New() *Ledger { return &Ledger{} }

func (l *Ledger) member(name string) *member {
	for i := range l.members {
		if l.members[i].name == name {
			return &l.members[i]
		}
	}
	l.members = append(l.members, member{name: name})
	return &l.members[len(l.members)-1]
}

// Observe takes the next event of the stream.
func (l *Ledger) Observe(ev event.Event) {
	switch ev.Type {
	case event.NodeUp:
		m := l.member(ev.Node)
		m.up, m.tags, m.joined = true, ev.Tags, false
	case event.Join:
		if ev.Reason != "" {
			return // no push-pull completed: nothing was ignored
		}
		m := l.member(ev.Node)
		m.joined, m.ignoresUpTo = true, l.latest
		for _, f := range l.order {
			if f.joining[ev.Node] {
				f.Excused[ev.Node] = true
				delete(f.joining, ev.Node)
			}
		}
	case event.NodeDown:
		l.member(ev.Node).up = false
		for _, f := range l.order {
			if f.Eligible[ev.Node] {
				f.Gone[ev.Node] = true
				delete(f.joining, ev.Node) // its next start's join excuses nothing
			}
			// Serf keeps events in memory: what a member had goes down with it.
			f.holders = slices.DeleteFunc(f.holders, func(h string) bool { return h == ev.Node })
		}
	case event.TagsSet:
		if ev.Reason == "" {
			l.member(ev.Node).tags = ev.Tags
		}
	case event.UserEventFired:
		if ev.Reason != "" {
			return // refused by its origin: nothing was sent
		}
		f := &Fired{Key: Key{ev.Node, ev.Name, ev.LTime}, At: ev.T,
			Eligible: map[string]bool{}, Delivered: map[string]bool{}, Gone: map[string]bool{},
			joining: map[string]bool{}, Excused: map[string]bool{}, holders: []string{ev.Node}}
		var m *filter.Matcher
		if ev.Filter != nil {
			m, _ = filter.Filter{Nodes: ev.Filter.Nodes, Tags: ev.Filter.Tags}.Compile()
		}
		f.match = m
		for _, n := range l.members {
			if n.up && m.Match(n.name, n.tags) {
				f.Eligible[n.name] = true
				switch {
				case !n.joined:
					f.joining[n.name] = true
				case ev.LTime <= n.ignoresUpTo:
					f.Excused[n.name] = true // below what its join taught it: dropped
				}
			}
		}
		if l.fired == nil {
			l.fired = map[Key]*Fired{}
		}
		l.fired[f.Key] = f
		l.order = append(l.order, f)
		l.latest = max(l.latest, ev.LTime)
	case event.UserEvent:
		if f := l.Lookup(Key{ev.Origin, ev.Name, ev.LTime}); f != nil {
			f.hold(ev.Node)
			if f.Eligible[ev.Node] {
				f.Delivered[ev.Node] = true
			}
		}
	}
}

// Selects reports whether f's filter selects member n with the tags it has now.
func (l *Ledger) Selects(f *Fired, n string) bool {
	return f.match.Match(n, l.member(n).tags)
}

// Fired returns the fired events in firing order.
func (l *Ledger) Fired() []*Fired { return l.order }

// Lookup returns the fired event k, or nil.
func (l *Ledger) Lookup(k Key) *Fired { return l.fired[k] }

// Counts returns how many (event, member) deliveries are owed now and how many of
// those have not been made.
func (l *Ledger) Counts() (owed, missing int) {
	for _, f := range l.order {
		for n := range f.Eligible {
			if f.Owes(n) {
				owed++
				if !f.Delivered[n] {
					missing++
				}
			}
		}
	}
	return owed, missing
}
