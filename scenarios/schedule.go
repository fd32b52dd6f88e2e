package scenarios

import (
	"cmp"
	"fmt"
	"slices"
)

// The schedule: what a scenario does over time, expanded once, here, for both validation
// (which reads it for heals, lifecycles and overlaps) and the world (which walks it). It is
// a pure function of the scenario. What only the run can know stays out: which node a
// dynamic target names, a nemesis's draws, a NIC flap's toggles, a restart ending a crash
// of a dynamic target, and the liveness phase that ends everything at the end of the run.

// A Firing is one firing of a fault, or of one step of a sequence, as the world runs it.
type Firing struct {
	Index int    // its place in Timeline.Firings
	Fault int    // index in Scenario.Faults
	Run   int    // which repetition of the fault, from 0
	Step  int    // the sequence step, from 1; 0 when not a step
	Path  string // "faults[2]", "faults[2].sequence[0]": where it is written, for errors
	Name  string // its name in the stream: the fault's name, "NAME-N" for step N
	Spec  Fault  // the fault, or the step
	Kind  string
	Start Duration
	// End is when it ends: Start+for, cut to the end of the run; Start for an instant
	// kind; the end of the run when Open. A heal or restart that ends it early sets it.
	End  Duration
	Open bool // no for: it lasts until healed, restarted or the end of the run
	// Cut says a repetition's for reaches past the end of the run: it ends with the
	// liveness phase, not at End.
	Cut bool
	// Removed says a heal stopped its sequence before this step started: it never fires.
	Removed bool
	// EndedBy is the heal or restart that ended it early, nil otherwise.
	EndedBy *Firing
	// Heals lists, for a heal, the firings it ends, in start order.
	Heals []*Firing
	// HealError says, for a heal, why it cannot heal what it names ("" when it can).
	HealError string
	// healSilent marks a heal naming a fault the schedule left out (one with errors of
	// its own): it heals nothing and says nothing.
	healSilent bool
}

// instant reports whether f takes effect at once and has no duration.
func (f *Firing) instant() bool { return instantKind(f.Kind) }

// inProgress reports whether f has started before t and not ended by t.
func (f *Firing) inProgress(t Duration) bool {
	return !f.Removed && !f.instant() && f.Start < t && t < f.End
}

// Target returns the node a firing of a single-node kind acts on, as written (a name or
// a dynamic target), or "".
func (f *Firing) Target() string {
	s := f.Spec
	switch f.Kind {
	case KindCrash:
		return s.Crash
	case KindLeave:
		return s.Leave
	case KindRestart:
		return s.Restart
	case KindPause:
		return s.Pause
	case KindDisk:
		return s.Disk.Node
	case KindUnsafeFsyncLies:
		return s.UnsafeFsyncLies
	case KindNICDown:
		return s.NICDown.Node
	case KindNICFlap:
		return s.NICFlap.Node
	}
	return ""
}

// Item kinds of a timeline, in the order they run at one instant: the actions as written,
// then the ends of firings, then heals, then the starts of other firings.
const (
	ItemAction = iota
	ItemEnd
	ItemHeal
	ItemStart
)

// An Item is one thing the world does at a virtual time.
type Item struct {
	At     Duration
	Kind   int     // ItemAction, ItemEnd, ItemHeal or ItemStart
	Action int     // for ItemAction: the index in Scenario.Actions
	Firing *Firing // for the others
}

// Timeline is a scenario's schedule: every firing, and the items the world runs, in the
// order it runs them.
type Timeline struct {
	Firings []*Firing // in fault order, then repetition, then step
	Items   []Item    // sorted by time, then kind, then firing order
}

// Schedule expands s's actions and faults into its timeline. It expects a valid
// scenario; on an invalid one it expands what it can.
func (s *Scenario) Schedule() *Timeline {
	return schedule(s, nil)
}

// schedule expands the faults that include accepts (all when nil).
func schedule(s *Scenario, include func(i int) bool) *Timeline {
	tl := &Timeline{Firings: expand(s, include)}
	for i, f := range tl.Firings {
		f.Index = i
	}
	resolveEarlyEnds(s, tl.Firings)
	for i := range s.Actions {
		tl.Items = append(tl.Items, Item{At: s.Actions[i].At, Kind: ItemAction, Action: i})
	}
	for _, f := range tl.Firings {
		switch {
		case f.Removed || f.Start > s.Duration:
			continue
		case f.Kind == KindHeal:
			tl.Items = append(tl.Items, Item{At: f.Start, Kind: ItemHeal, Firing: f})
			continue
		}
		tl.Items = append(tl.Items, Item{At: f.Start, Kind: ItemStart, Firing: f})
		if !f.instant() && !f.Open && !f.Cut && f.EndedBy == nil {
			tl.Items = append(tl.Items, Item{At: f.End, Kind: ItemEnd, Firing: f})
		}
	}
	// No map here or in what the world runs at start: making one draws on the runtime's
	// random source, which also breaks ties between ready goroutines, so one more map would
	// reorder what happens at one virtual instant in every run.
	slices.SortStableFunc(tl.Items, func(a, b Item) int {
		if c := cmp.Compare(a.At, b.At); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		if a.Kind == ItemAction {
			return cmp.Compare(a.Action, b.Action)
		}
		return cmp.Compare(a.Firing.Index, b.Firing.Index)
	})
	return tl
}

// expand lists every firing, sequence steps one by one. A step starts when the step
// before it ends; repetitions start every Every from At until Until (or the end).
func expand(s *Scenario, include func(i int) bool) []*Firing {
	var out []*Firing
	end := s.Duration
	for i, f := range s.Faults {
		if include != nil && !include(i) {
			continue
		}
		name := f.Name
		if name == "" {
			name = defaultFaultName(f, i)
		}
		path := fmt.Sprintf("faults[%d]", i)
		until := end
		if f.Until > 0 && f.Until < end {
			until = f.Until
		}
		kind := f.Kind()
		for run, t := 0, f.At; t < end; run, t = run+1, addDur(t, f.Every) {
			if kind == KindSequence {
				at := t
				for k, st := range f.Sequence {
					u := &Firing{Fault: i, Run: run, Step: k + 1, Path: fmt.Sprintf("%s.sequence[%d]", path, k),
						Name: fmt.Sprintf("%s-%d", name, k+1), Spec: st, Kind: st.Kind(), Start: at}
					u.setEnd(st.For, end)
					out = append(out, u)
					at = u.End
				}
			} else {
				u := &Firing{Fault: i, Run: run, Path: path, Name: name, Spec: f, Kind: kind, Start: t}
				u.setEnd(f.For, end)
				out = append(out, u)
			}
			if f.Every <= 0 || addDur(t, f.Every) >= until {
				break
			}
		}
	}
	return out
}

// setEnd sets when a firing that lasts d ends, in a run that ends at end.
func (f *Firing) setEnd(d, end Duration) {
	switch {
	case f.instant():
		f.End = f.Start
	case d == 0:
		f.End, f.Open = end, true
	default:
		f.End = addDur(f.Start, d)
		if f.End > end {
			f.End, f.Cut = end, true
		}
	}
}

// resolveEarlyEnds walks the heals and the restarts of named nodes in time order (a heal
// first at one instant, as the world runs them). A heal ends the firings it names that are
// in progress: they end at the heal, and a healed sequence runs no further step of that
// repetition; later repetitions still fire. A restart ends the open crash or leave of its
// node in progress: the world starts the node again. For a dynamic target only the run
// knows which node a crash took, so the schedule leaves those to it.
func resolveEarlyEnds(s *Scenario, firings []*Firing) {
	names := make([]string, len(s.Faults))
	for i, f := range s.Faults {
		names[i] = f.Name
		if names[i] == "" {
			names[i] = defaultFaultName(f, i)
		}
	}
	listed := make([]bool, len(s.Faults))
	var enders []*Firing
	for _, f := range firings {
		listed[f.Fault] = true
		if f.Kind == KindHeal || f.Kind == KindRestart && !IsDynamicTarget(f.Target()) {
			enders = append(enders, f)
		}
	}
	slices.SortStableFunc(enders, func(a, b *Firing) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return cmp.Compare(rank(a), rank(b)) // heals first
	})
	for _, e := range enders {
		if e.Kind == KindRestart {
			for _, u := range firings {
				if (u.Kind == KindCrash || u.Kind == KindLeave) && u.Open && u.Target() == e.Target() &&
					u.Start <= e.Start && e.Start < u.End && !u.Removed {
					u.End, u.Open, u.EndedBy = e.Start, false, e
				}
			}
			continue
		}
		heal(e, s, names, listed, firings)
	}
}

// heal resolves one heal, h, against the firings as they stand at its time.
func heal(h *Firing, s *Scenario, names []string, listed []bool, firings []*Firing) {
	target := h.Spec.Heal
	idx := slices.Index(names, target)
	if target != HealAll {
		switch {
		case idx < 0:
			h.HealError = fmt.Sprintf("no fault is named %q; the faults are named %s", target, listNames(names))
		case idx == h.Fault:
			h.HealError = "a heal cannot heal itself; name the fault to end"
		case instantKind(s.Faults[idx].Kind()):
			h.HealError = fmt.Sprintf("%s is a %s, which takes effect at once and has nothing to end", target, s.Faults[idx].Kind())
		case !listed[idx]:
			h.healSilent = true
		}
		if h.HealError != "" || h.healSilent {
			return
		}
	}
	t := h.Start
	for _, u := range firings {
		if (target == HealAll || u.Fault == idx) && u.inProgress(t) {
			u.End, u.Open, u.Cut, u.EndedBy = t, false, false, h
			h.Heals = append(h.Heals, u)
			for _, later := range firings {
				if later.Fault == u.Fault && later.Run == u.Run && later.Start >= t && !later.instant() && later != u {
					later.Removed = true
				}
			}
		}
	}
}

// rank orders a heal before a restart at one instant, as the world's items run.
func rank(f *Firing) int {
	if f.Kind == KindHeal {
		return ItemHeal
	}
	return ItemStart
}
