package world

import (
	"math/rand"
	"slices"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/scenarios"
)

// faultWorld is the world's fault state: the schedule it walks, the firings in progress
// and the random source of every fault choice (dynamic targets, splits, rings, the
// nemesis, NIC flap jitter), derived from the run seed and kept apart from every other
// component's.
type faultWorld struct {
	plan   *scenarios.Timeline
	rand   *rand.Rand
	active []*firing // in start order
	byPlan []*firing // the latest firing of each planned one, by its Index
	ended  bool      // the liveness phase has healed everything: nothing fires any more
}

// firing is one firing of a fault: what it installed and how to undo it.
type firing struct {
	name    string            // the planned firing's name; a nemesis draw adds "-N"
	plan    *scenarios.Firing // the planned firing it is (a nemesis draw: its nemesis)
	kind    string
	targets []string          // as resolved when it fired
	nets    []*netmodel.Fault // network faults installed, lifted at the end
	undo    []func()          // world-side undo (restart, restore a disk), run in reverse
	effect  event.Effect      // the world-side part of the effect
	done    bool
	onEnd   func() // what comes after (the next nemesis draw)
}

// scheduleFaults puts the schedule's fault items (scenarios.Schedule: every firing's
// start and end, every heal) on the agenda, in the schedule's order. Items the run alone
// can know (nemesis draws, NIC flaps) join the agenda as they come, after the planned ones
// of the same instant.
func (w *World) scheduleFaults() {
	w.faults.rand = subRand(w.spec.Seed, "faults")
	w.faults.byPlan = make([]*firing, len(w.faults.plan.Firings)) // not a map: see scenarios.schedule
	for _, it := range w.faults.plan.Items {
		if it.Kind == scenarios.ItemAction {
			continue // actions are walked by advance
		}
		w.agenda.at(it.At.D(), func() {
			if !w.faults.ended {
				w.runItem(it)
			}
		})
	}
}

// runItem runs one fault item of the schedule.
func (w *World) runItem(it scenarios.Item) {
	f := it.Firing
	switch {
	case it.Kind == scenarios.ItemHeal:
		w.heal(f)
	case it.Kind == scenarios.ItemEnd:
		if fr := w.faults.byPlan[f.Index]; fr != nil {
			w.end(fr, "")
		}
	case f.Kind == scenarios.KindNemesis:
		w.startNemesis(f)
	default:
		w.fire(f.Spec, f.Name, f, nil)
	}
}

// fire starts one firing of f now, named name, as (part of) the planned firing plan. Only
// a nemesis draw schedules its own end; onEnd runs after the firing ends, however it ends.
func (w *World) fire(f scenarios.Fault, name string, plan *scenarios.Firing, onEnd func()) {
	fr := &firing{name: name, plan: plan, kind: f.Kind(), onEnd: onEnd}
	w.faults.active = append(w.faults.active, fr)
	w.faults.byPlan[plan.Index] = fr
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
	case onEnd != nil && f.For > 0:
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

// heal ends the firings the schedule says h ends that are in progress. It is recorded
// as a fault of kind heal whose targets are the firings it ended.
func (w *World) heal(h *scenarios.Firing) {
	reason := "healed by " + h.Name
	var healed []string
	for _, fr := range append([]*firing(nil), w.faults.active...) {
		if slices.Contains(h.Heals, fr.plan) {
			fr.onEnd = nil // a healed nemesis draws no more
			w.end(fr, reason)
			healed = append(healed, fr.name)
		}
	}
	start := event.Event{Type: event.FaultStart, Name: h.Name}
	start.Kind, start.Targets, start.Spec = "heal", healed, firingSpec(h.Spec, h.Name, w.due)
	if len(healed) == 0 {
		start.Reason = "nothing to heal"
	}
	w.emit.emit(start)
	end := event.Event{Type: event.FaultEnd, Name: h.Name}
	end.Kind, end.Effect = "heal", &event.Effect{}
	w.emit.emit(end)
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
