package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The schedule checks: what the faults do over time, as the world will run them, where
// that is known before the run (named nodes, not dynamic targets). They run on the
// faults that passed their own checks, with a valid cluster and duration.

// unit is one firing of a fault, or of one step of a sequence, as scheduled.
type unit struct {
	fault      int    // index in s.Faults
	run        int    // which repetition of the fault, from 0
	path       string // the fault or the step, for errors
	f          Fault  // the fault or the step
	kind       string
	start, end Duration // end is the duration for a firing that lasts to the end
	open       bool     // no for: lasts until healed or the end of the run
	removed    bool     // a heal stopped its sequence before it started
}

// inProgress reports whether u has started before t and not ended by t.
func (u *unit) inProgress(t Duration) bool {
	return !u.removed && !instantKind(u.kind) && u.start < t && t < u.end
}

// timeline runs the schedule checks.
func (fc *faultChecker) timeline(ok []bool) {
	units := fc.expand(ok)
	fc.heals(units, ok)
	fc.lifecycle(units)
	fc.overlaps(units)
}

// expand lists every firing of the fine faults, sequence steps one by one.
func (fc *faultChecker) expand(ok []bool) []*unit {
	var units []*unit
	end := fc.s.Duration
	for i, f := range fc.s.Faults {
		if !ok[i] {
			continue
		}
		path := fmt.Sprintf("faults[%d]", i)
		kind := f.Kind()
		for run, t := 0, f.At; t < end; run, t = run+1, addDur(t, f.Every) {
			switch kind {
			case KindSequence:
				at := t
				for k, st := range f.Sequence {
					u := &unit{fault: i, run: run, path: fmt.Sprintf("%s.sequence[%d]", path, k), f: st, kind: st.Kind(), start: at, end: min(addDur(at, st.For), end)}
					units = append(units, u)
					at = u.end
				}
			default:
				u := &unit{fault: i, run: run, path: path, f: f, kind: kind, start: t, end: t}
				if !instantKind(kind) {
					u.end, u.open = min(addDur(t, f.For), end), f.For == 0
					if u.open {
						u.end = end
					}
				}
				units = append(units, u)
			}
			if f.Every <= 0 || addDur(t, f.Every) >= fc.until(f) {
				break
			}
		}
	}
	return units
}

// heals checks every heal against the schedule and ends the firings it heals early, as
// the world does: the firings of the named fault (every fault, for all) in progress end;
// a healed sequence runs no further step. Later repetitions still fire.
func (fc *faultChecker) heals(units []*unit, ok []bool) {
	var heals []*unit
	for _, u := range units {
		if u.kind == KindHeal {
			heals = append(heals, u)
		}
	}
	sort.SliceStable(heals, func(i, j int) bool { return heals[i].start < heals[j].start })
	for _, h := range heals {
		t, target, path := h.start, h.f.Heal, h.path+".heal"
		if target != HealAll {
			idx := slices.Index(fc.names, target)
			switch {
			case idx < 0:
				fc.c.errorf(path, "no fault is named %q; the faults are named %s", target, listNames(fc.names))
				continue
			case idx == h.fault:
				fc.c.errorf(path, "a heal cannot heal itself; name the fault to end")
				continue
			case instantKind(fc.s.Faults[idx].Kind()):
				fc.c.errorf(path, "%s is a %s, which takes effect at once and has nothing to end", target, fc.s.Faults[idx].Kind())
				continue
			case !ok[idx]:
				continue // that fault has errors of its own
			}
		}
		healed, idx := false, slices.Index(fc.names, target)
		for _, u := range units {
			if (target == HealAll || u.fault == idx) && u.inProgress(t) {
				u.end, u.open, healed = t, false, true
				for _, later := range units {
					if later.fault == u.fault && later.run == u.run && later.start >= t && !instantKind(later.kind) {
						later.removed = true
					}
				}
			}
		}
		if healed {
			continue
		}
		if target == HealAll {
			fc.c.errorf(path, "nothing is in progress at %s to heal", t)
		} else {
			fc.c.errorf(path, "%s is not in progress at %s (%s): a heal ends a fault that started before it and has not ended", target, t, describeRuns(units, idx, fc.s.Faults[idx]))
		}
	}
}

// describeRuns says when fault i, f, runs, from its first firing: "it runs from 5s to
// 15s, again every 20s".
func describeRuns(units []*unit, i int, f Fault) string {
	var first, last *unit
	for _, u := range units {
		if u.fault == i && u.run == 0 && !u.removed {
			if first == nil {
				first = u
			}
			last = u
		}
	}
	if first == nil {
		return "it never runs"
	}
	var b strings.Builder
	if last.open {
		fmt.Fprintf(&b, "it runs from %s until healed", first.start)
	} else {
		fmt.Fprintf(&b, "it runs from %s to %s", first.start, last.end)
	}
	if f.Every > 0 {
		fmt.Fprintf(&b, ", again every %s", f.Every)
	}
	return b.String()
}

// listNames lists fault names for an error message, at most ten of them.
func listNames(names []string) string {
	if len(names) > 10 {
		return strings.Join(names[:10], ", ") + fmt.Sprintf(" and %d more", len(names)-10)
	}
	return strings.Join(names, ", ")
}

// target returns the node a unit of a single-node kind acts on.
func (u *unit) target() string {
	f := u.f
	switch u.kind {
	case KindCrash:
		return f.Crash
	case KindLeave:
		return f.Leave
	case KindRestart:
		return f.Restart
	case KindPause:
		return f.Pause
	case KindDisk:
		return f.Disk.Node
	case KindUnsafeFsyncLies:
		return f.UnsafeFsyncLies
	case KindNICDown:
		return f.NICDown.Node
	case KindNICFlap:
		return f.NICFlap.Node
	}
	return ""
}

// A life event changes whether a named agent runs.
type lifeEvent struct {
	t    Duration
	up   bool   // the end of a crash or leave with for: it comes first at a time
	kind string // a fault kind, or the action's: fail, leave-action, join
	node string
	u    *unit // the fault's firing, nil for an action
	why  string
	path string // an action's kind, for errors
}

// down says why a node is not running.
type down struct {
	why  string
	by   *unit // the firing that stopped it, nil for an action
	left bool
	back bool // it comes back by itself when by ends (a crash or leave with for)
}

// lifecycle follows each named agent through the actions' fails, leaves and joins and the
// faults' crashes, leaves, restarts and pauses, and reports what cannot happen: crashing
// or leaving a node that is down, restarting one that runs or comes back by itself,
// pausing one that is down, a paused node leaving.
func (fc *faultChecker) lifecycle(units []*unit) {
	s := fc.s
	var evs []lifeEvent
	isAgent := func(n string) bool {
		kind, _, ok := s.hostOf(n)
		return ok && kind != hostWorkload
	}
	if !fc.c.broken("actions") {
		for i, a := range s.Actions {
			at := a.At.String()
			switch {
			case a.Fail != "" && isAgent(a.Fail):
				evs = append(evs, lifeEvent{t: a.At, kind: "fail", node: a.Fail, why: fmt.Sprintf("actions[%d] fails it at %s", i, at), path: fmt.Sprintf("actions[%d].fail", i)})
			case a.Leave != "" && isAgent(a.Leave):
				evs = append(evs, lifeEvent{t: a.At, kind: "leave-action", node: a.Leave, why: fmt.Sprintf("actions[%d] makes it leave at %s", i, at), path: fmt.Sprintf("actions[%d].leave", i)})
			case a.Join != nil && isAgent(a.Join.Node):
				evs = append(evs, lifeEvent{t: a.At, kind: "join", node: a.Join.Node})
			}
		}
	}
	var pauses []*unit
	for _, u := range units {
		n := u.target()
		if u.removed || !isAgent(n) {
			continue
		}
		name := fc.names[u.fault]
		switch u.kind {
		case KindCrash, KindLeave:
			verb := "crashes it"
			if u.kind == KindLeave {
				verb = "makes it leave"
			}
			evs = append(evs, lifeEvent{t: u.start, kind: u.kind, node: n, u: u, why: fmt.Sprintf("%s %s at %s", name, verb, u.start)})
			// With for, the world brings the node back when the firing ends, early if
			// healed; without, a heal ends the fault but the node stays down.
			if u.f.For > 0 {
				evs = append(evs, lifeEvent{t: u.end, up: true, kind: u.kind, node: n, u: u})
			}
		case KindRestart:
			evs = append(evs, lifeEvent{t: u.start, kind: u.kind, node: n, u: u})
		case KindPause:
			evs = append(evs, lifeEvent{t: u.start, kind: u.kind, node: n, u: u})
			pauses = append(pauses, u)
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if a.t != b.t {
			return a.t < b.t
		}
		return a.up && !b.up
	})
	state := map[string]*down{}
	reported := map[string]bool{}
	report := func(u *unit, format string, args ...any) {
		p := u.path + "." + u.kind
		if !reported[p] {
			reported[p] = true
			fc.c.errorf(p, format, args...)
		}
	}
	pausedAt := func(n string, t Duration) *unit {
		for _, p := range pauses {
			if p.f.Pause == n && p.start <= t && t < p.end {
				return p
			}
		}
		return nil
	}
	for _, e := range evs {
		st, t := state[e.node], e.t
		switch {
		case e.up:
			if st != nil && st.by == e.u {
				delete(state, e.node)
			}
		case e.kind == "fail" || e.kind == "leave-action":
			switch {
			case st == nil:
				state[e.node] = &down{why: e.why, left: e.kind == "leave-action"}
			case st.by != nil:
				// The actions' own rules know only the actions.
				fc.c.errorf(e.path, "%s is down at %s: %s", e.node, t, st.why)
			}
		case e.kind == "join":
			delete(state, e.node)
		case e.kind == KindCrash || e.kind == KindLeave:
			if st != nil {
				report(e.u, "%s is already down at %s: %s", e.node, t, st.why)
				continue
			}
			if p := pausedAt(e.node, t); e.kind == KindLeave && p != nil {
				report(e.u, "%s is paused at %s by %s (until %s): a paused node cannot leave", e.node, t, fc.names[p.fault], p.end)
				continue
			}
			state[e.node] = &down{why: e.why, by: e.u, left: e.kind == KindLeave, back: e.u.f.For > 0}
		case e.kind == KindRestart:
			switch {
			case st == nil:
				report(e.u, "%s is running at %s: restart starts a node that a crash without for (or a fail action) stopped", e.node, t)
			case st.back:
				report(e.u, "%s is down at %s, but comes back by itself when %s ends at %s: restart starts a node that a crash without for stopped", e.node, t, fc.names[st.by.fault], st.by.end)
			case st.left:
				report(e.u, "%s left (%s): restart starts a crashed node; a node that left comes back with a join action or a leave with for", e.node, st.why)
			default:
				delete(state, e.node)
			}
		case e.kind == KindPause:
			if st != nil {
				report(e.u, "%s is down at %s (%s): pause holds a running node's traffic", e.node, t, st.why)
			}
		}
	}
}

// A resource is something two faults at once contradict each other on.
type resource struct {
	key, what, why string
}

// resources returns what u holds while it is in progress, for its named targets.
func (u *unit) resources() []resource {
	n := u.target()
	if u.kind != KindLink && (n == "" || IsDynamicTarget(n)) {
		return nil
	}
	switch u.kind {
	case KindDisk:
		return []resource{{"disk:" + n, n, "two disk faults on one node at once contradict each other"}}
	case KindUnsafeFsyncLies:
		return []resource{{"fsync:" + n, n, "its disk lies already"}}
	case KindPause:
		return []resource{{"pause:" + n, n, "a node cannot be paused twice at once"}}
	case KindNICDown, KindNICFlap:
		nic := ""
		if u.kind == KindNICDown {
			nic = u.f.NICDown.NIC
		} else {
			nic = u.f.NICFlap.NIC
		}
		return []resource{{"nic:" + n + ":" + nic, n + " " + nic, "two faults on one NIC at once contradict each other (one would bring it up while the other holds it down)"}}
	case KindLink:
		l := u.f.Link
		scope, what := "everywhere", "every link"
		switch {
		case len(l.Between) == 2:
			if IsDynamicTarget(l.Between[0]) || IsDynamicTarget(l.Between[1]) {
				return nil
			}
			ends := slices.Clone(l.Between)
			slices.Sort(ends)
			scope, what = "between:"+ends[0]+":"+ends[1], "the link between "+ends[0]+" and "+ends[1]
		case l.Node != "":
			if IsDynamicTarget(l.Node) {
				return nil
			}
			scope, what = "node:"+l.Node, "the links of "+l.Node
		case len(l.From) > 0 || len(l.To) > 0:
			// The same lists only: sets and dynamic targets make other overlaps a
			// matter of the moment.
			if slices.ContainsFunc(l.From, IsDynamicTarget) || slices.ContainsFunc(l.To, IsDynamicTarget) ||
				slices.Contains(l.From, SetFollowers) || slices.Contains(l.To, SetFollowers) {
				return nil
			}
			f, t := strings.Join(l.From, ", "), strings.Join(l.To, ", ")
			scope, what = "dir:"+f+":"+t, "the links from "+f+" to "+t
		}
		var out []resource
		for _, p := range []struct {
			key string
			set bool
		}{{"latency", l.Latency != nil}, {"loss", l.Loss != 0}, {"duplicate", l.Duplicate != 0}, {"reorder", l.Reorder != 0}} {
			if p.set {
				out = append(out, resource{"link:" + scope + ":" + p.key, what, "two link faults setting " + p.key + " on the same links at once contradict each other"})
			}
		}
		return out
	}
	return nil
}

// overlaps reports two faults that hold the same resource at the same time.
func (fc *faultChecker) overlaps(units []*unit) {
	type holding struct {
		u   *unit
		res resource
	}
	byKey := map[string][]holding{}
	var keys []string
	for _, u := range units {
		if u.removed {
			continue
		}
		for _, r := range u.resources() {
			if _, seen := byKey[r.key]; !seen {
				keys = append(keys, r.key)
			}
			byKey[r.key] = append(byKey[r.key], holding{u, r})
		}
	}
	reported := map[[2]int]bool{}
	for _, k := range keys {
		hs := byKey[k]
		sort.SliceStable(hs, func(i, j int) bool { return hs[i].u.start < hs[j].u.start })
		var longest *unit
		for _, h := range hs {
			u := h.u
			if longest != nil && u.start < longest.end && u.fault != longest.fault {
				pair := [2]int{longest.fault, u.fault}
				if !reported[pair] {
					reported[pair] = true
					until := longest.end.String()
					if longest.open {
						until = "the end"
					}
					fc.c.errorf(u.path+"."+u.kind, "overlaps %s on %s (from %s to %s): %s", fc.names[longest.fault], h.res.what, longest.start, until, h.res.why)
				}
			}
			if longest == nil || u.end > longest.end {
				longest = u
			}
		}
	}
}
