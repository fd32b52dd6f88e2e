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

// timeline runs the schedule checks.
func (fc *faultValidator) timeline(ok []bool) {
	units := schedule(fc.s, func(i int) bool { return ok[i] }).Firings
	fc.heals(units)
	fc.lifecycle(units)
	fc.overlaps(units)
}

// heals reports each heal that cannot heal what it names, or finds nothing of it in
// progress, as the schedule resolved it.
func (fc *faultValidator) heals(units []*Firing) {
	for _, h := range units {
		if h.Kind != KindHeal || h.healSilent || len(h.Heals) > 0 {
			continue
		}
		t, target, path := h.Start, h.Spec.Heal, h.Path+".heal"
		switch {
		case h.HealError != "":
			fc.c.errorf(path, "%s", h.HealError)
		case target == HealAll:
			fc.c.errorf(path, "nothing is in progress at %s to heal", t)
		default:
			idx := slices.Index(fc.names, target)
			fc.c.errorf(path, "%s is not in progress at %s (%s): a heal ends a fault that started before it and has not ended", target, t, describeRuns(units, idx, fc.s.Faults[idx]))
		}
	}
}

// describeRuns says when fault i, f, runs, from its first firing: "it runs from 5s to
// 15s, again every 20s".
func describeRuns(units []*Firing, i int, f Fault) string {
	var first, last *Firing
	for _, u := range units {
		if u.Fault == i && u.Run == 0 && !u.Removed {
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
	if last.Open {
		fmt.Fprintf(&b, "it runs from %s until healed", first.Start)
	} else {
		fmt.Fprintf(&b, "it runs from %s to %s", first.Start, last.End)
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

// A life event changes whether a named agent runs.
type lifeEvent struct {
	t    Duration
	up   bool   // the end of a crash or leave with for: it comes first at a time
	kind string // a fault kind, or the action's: fail, leave-action, join
	node string
	u    *Firing // the fault's firing, nil for an action
	why  string
	path string // an action's kind, for errors
}

// down says why a node is not running.
type down struct {
	why  string
	by   *Firing // the firing that stopped it, nil for an action
	left bool
	back bool // it comes back by itself when by ends (a crash or leave with for)
}

// lifecycle follows each named agent through the actions' fails, leaves and joins and the
// faults' crashes, leaves, restarts and pauses, and reports what cannot happen: crashing
// or leaving a node that is down, restarting one that runs or comes back by itself,
// pausing one that is down, a paused node leaving.
func (fc *faultValidator) lifecycle(units []*Firing) {
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
	var pauses []*Firing
	for _, u := range units {
		n := u.Target()
		if u.Removed || !isAgent(n) {
			continue
		}
		name := fc.names[u.Fault]
		switch u.Kind {
		case KindCrash, KindLeave:
			verb := "crashes it"
			if u.Kind == KindLeave {
				verb = "makes it leave"
			}
			evs = append(evs, lifeEvent{t: u.Start, kind: u.Kind, node: n, u: u, why: fmt.Sprintf("%s %s at %s", name, verb, u.Start)})
			// With for, the world brings the node back when the firing ends, early if
			// healed; without, a heal ends the fault but the node stays down.
			if u.Spec.For > 0 {
				evs = append(evs, lifeEvent{t: u.End, up: true, kind: u.Kind, node: n, u: u})
			}
		case KindRestart:
			evs = append(evs, lifeEvent{t: u.Start, kind: u.Kind, node: n, u: u})
		case KindPause:
			evs = append(evs, lifeEvent{t: u.Start, kind: u.Kind, node: n, u: u})
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
	report := func(u *Firing, format string, args ...any) {
		p := u.Path + "." + u.Kind
		if !reported[p] {
			reported[p] = true
			fc.c.errorf(p, format, args...)
		}
	}
	pausedAt := func(n string, t Duration) *Firing {
		for _, p := range pauses {
			if p.Spec.Pause == n && p.Start <= t && t < p.End {
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
				report(e.u, "%s is paused at %s by %s (until %s): a paused node cannot leave", e.node, t, fc.names[p.Fault], p.End)
				continue
			}
			state[e.node] = &down{why: e.why, by: e.u, left: e.kind == KindLeave, back: e.u.Spec.For > 0}
		case e.kind == KindRestart:
			switch {
			case st == nil:
				report(e.u, "%s is running at %s: restart starts a node that a crash without for (or a fail action) stopped", e.node, t)
			case st.back:
				report(e.u, "%s is down at %s, but comes back by itself when %s ends at %s: restart starts a node that a crash without for stopped", e.node, t, fc.names[st.by.Fault], st.by.End)
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
func (u *Firing) resources() []resource {
	n := u.Target()
	if u.Kind != KindLink && (n == "" || IsDynamicTarget(n)) {
		return nil
	}
	switch u.Kind {
	case KindDisk:
		return []resource{{"disk:" + n, n, "two disk faults on one node at once contradict each other"}}
	case KindUnsafeFsyncLies:
		return []resource{{"fsync:" + n, n, "its disk lies already"}}
	case KindPause:
		return []resource{{"pause:" + n, n, "a node cannot be paused twice at once"}}
	case KindNICDown, KindNICFlap:
		nic := ""
		if u.Kind == KindNICDown {
			nic = u.Spec.NICDown.NIC
		} else {
			nic = u.Spec.NICFlap.NIC
		}
		return []resource{{"nic:" + n + ":" + nic, n + " " + nic, "two faults on one NIC at once contradict each other (one would bring it up while the other holds it down)"}}
	case KindLink:
		l := u.Spec.Link
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
func (fc *faultValidator) overlaps(units []*Firing) {
	type holding struct {
		u   *Firing
		res resource
	}
	byKey := map[string][]holding{}
	var keys []string
	for _, u := range units {
		if u.Removed {
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
		sort.SliceStable(hs, func(i, j int) bool { return hs[i].u.Start < hs[j].u.Start })
		var longest *Firing
		for _, h := range hs {
			u := h.u
			if longest != nil && u.Start < longest.End && u.Fault != longest.Fault {
				pair := [2]int{longest.Fault, u.Fault}
				if !reported[pair] {
					reported[pair] = true
					until := longest.End.String()
					if longest.Open {
						until = "the end"
					}
					fc.c.errorf(u.Path+"."+u.Kind, "overlaps %s on %s (from %s to %s): %s", fc.names[longest.Fault], h.res.what, longest.Start, until, h.res.why)
				}
			}
			if longest == nil || u.End > longest.End {
				longest = u
			}
		}
	}
}
