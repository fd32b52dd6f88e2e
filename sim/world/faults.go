package world

import (
	"fmt"
	"math/rand"
	"slices"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/scenarios"
)

// faultWorld is the world's fault state: the firings in progress and the random source
// of every fault choice (dynamic targets, splits, rings, the nemesis, NIC flap jitter),
// derived from the run seed and kept apart from every other component's.
type faultWorld struct {
	rand   *rand.Rand
	active []*firing // in start order
	ended  bool      // the liveness phase has healed everything: nothing fires any more
}

// firing is one firing of a fault: what it installed and how to undo it.
type firing struct {
	name    string // the fault's name; a sequence step or nemesis draw adds ".N"
	group   string // the scenario fault it belongs to, which heal names
	kind    string
	targets []string          // as resolved when it fired
	nets    []*netmodel.Fault // network faults installed, lifted at the end
	undo    []func()          // world-side undo (restart, restore a disk), run in reverse
	effect  event.Effect      // the world-side part of the effect
	done    bool
	onEnd   func() // what comes after (the next sequence step, the next nemesis draw)
}

// scheduleFaults puts the first firing of every scenario fault on the agenda.
func (w *World) scheduleFaults() {
	w.faults.rand = subRand(w.spec.Seed, "faults")
	for _, f := range w.spec.Scenario.Faults {
		w.scheduleRepeats(f, f.At.D())
	}
}

// scheduleRepeats fires f at t and, if it repeats, schedules the next repetition.
func (w *World) scheduleRepeats(f scenarios.Fault, t time.Duration) {
	w.agenda.at(t, func() {
		if w.faults.ended {
			return
		}
		if f.Every > 0 {
			next := t + f.Every.D()
			until := w.spec.Scenario.Duration.D()
			if f.Until > 0 {
				until = min(until, f.Until.D())
			}
			if next < until {
				w.scheduleRepeats(f, next)
			}
		}
		w.fire(f, f.Name, f.Name, nil)
	})
}

// fire starts one firing of f now, named name, and schedules its end when f has a
// duration. onEnd runs after the firing ends, however it ends.
func (w *World) fire(f scenarios.Fault, name, group string, onEnd func()) {
	switch {
	case f.Heal != "":
		w.heal(f)
		if onEnd != nil {
			onEnd()
		}
		return
	case len(f.Sequence) > 0:
		w.fireSequence(f, name, 0)
		return
	case f.Nemesis != nil:
		w.startNemesis(f, name)
		return
	}
	fr := &firing{name: name, group: group, kind: f.Kind(), onEnd: onEnd}
	w.faults.active = append(w.faults.active, fr)
	// The firing starts when it was due, and installing it takes no virtual time: what
	// waits (an agent's shutdown, a leave) runs in the background and ends with
	// fault_applied (lifecycle.go).
	at := w.due
	resolved, targets, why := w.install(fr, f)
	fr.targets = targets
	ev := event.Event{Type: event.FaultStart, Name: name, Reason: why}
	ev.Kind, ev.Targets, ev.Spec = fr.kind, targets, firingSpec(resolved, name, at)
	w.emit.emit(ev)
	switch {
	case f.Restart != "":
		// A restart is instantaneous, and ends the crash or leave that kept its node down.
		for _, other := range append([]*firing(nil), w.faults.active...) {
			if other != fr && (other.kind == scenarios.KindCrash || other.kind == scenarios.KindLeave) && slices.Equal(other.targets, targets) {
				w.end(other, "restarted by "+name)
			}
		}
		w.end(fr, "")
	case f.For > 0:
		w.agenda.at(at+f.For.D(), func() { w.end(fr, "") })
	}
}

// applied records that fr's effect is complete (a crashed node has stopped, a restarted one
// runs): fault_applied.
func (w *World) applied(fr *firing) func() {
	return func() {
		ev := event.Event{Type: event.FaultApplied, Name: fr.name}
		ev.Kind, ev.Targets = fr.kind, fr.targets
		w.emit.emit(ev)
	}
}

// firingSpec is the firing in scenario syntax: its own name and start time, its targets
// resolved, no repetition.
func firingSpec(f scenarios.Fault, name string, at time.Duration) string {
	f.Name, f.At, f.Every, f.Until = name, scenarios.Duration(at), 0, 0
	return f.Spec()
}

// end ends a firing: world-side undo in reverse, network faults lifted, fault_end with
// what it did. reason says why it ended early ("healed by heal-3", "liveness").
func (w *World) end(fr *firing, reason string) {
	if fr.done {
		return
	}
	fr.done = true
	for i := len(fr.undo) - 1; i >= 0; i-- {
		fr.undo[i]()
	}
	eff := fr.effect
	for _, nf := range fr.nets {
		nf.Lift()
		addTraffic(&eff, nf.Effect())
	}
	for i, a := range w.faults.active {
		if a == fr {
			w.faults.active = append(w.faults.active[:i], w.faults.active[i+1:]...)
			break
		}
	}
	ev := event.Event{Type: event.FaultEnd, Name: fr.name, Reason: reason}
	ev.Kind, ev.Effect = fr.kind, &eff
	w.emit.emit(ev)
	if fr.onEnd != nil && !w.faults.ended {
		fr.onEnd()
	}
}

// heal ends the firings f.Heal names ("all": every one) that are in progress. It is
// recorded as a fault of kind heal whose targets are the firings it ended.
func (w *World) heal(f scenarios.Fault) {
	reason := "healed by " + f.Name
	var healed []string
	for _, fr := range append([]*firing(nil), w.faults.active...) {
		if f.Heal == "all" || fr.group == f.Heal {
			fr.onEnd = nil // a healed sequence or nemesis stops
			w.end(fr, reason)
			healed = append(healed, fr.name)
		}
	}
	start := event.Event{Type: event.FaultStart, Name: f.Name}
	start.Kind, start.Targets, start.Spec = "heal", healed, firingSpec(f, f.Name, w.due)
	if len(healed) == 0 {
		start.Reason = "nothing to heal"
	}
	w.emit.emit(start)
	end := event.Event{Type: event.FaultEnd, Name: f.Name}
	end.Kind, end.Effect = "heal", &event.Effect{}
	w.emit.emit(end)
}

// fireSequence fires step i of a sequence; each step starts when the one before ends.
func (w *World) fireSequence(f scenarios.Fault, name string, i int) {
	if i >= len(f.Sequence) || w.faults.ended {
		return
	}
	step := f.Sequence[i]
	w.fire(step, fmt.Sprintf("%s-%d", name, i+1), name, func() { w.fireSequence(f, name, i+1) })
}

// healAll ends every firing in progress and stops every repetition, sequence and
// nemesis: the start of the liveness phase.
func (w *World) healAll(reason string) {
	w.faults.ended = true
	w.agenda.clear()
	for len(w.faults.active) > 0 {
		w.end(w.faults.active[0], reason)
	}
}
