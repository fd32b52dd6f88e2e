package scenarios

import (
	"fmt"
	"strings"
)

// Text is the timeline in words, one item per line, in the order the world runs them:
// what a scenario will do and when, before running it (consim validate --schedule). What
// only the run decides is said as such: a dynamic target stays a name like "leader", a
// nemesis "draws its own faults".
func (tl *Timeline) Text(s *Scenario) string {
	var b strings.Builder
	for _, it := range tl.Items {
		fmt.Fprintf(&b, "%-8s %-6s %s\n", it.At, itemVerb(it.Kind), tl.describe(s, it))
	}
	if len(tl.Items) == 0 {
		b.WriteString("nothing is scheduled: no actions, no faults\n")
	}
	fmt.Fprintf(&b, "%-8s %-6s liveness phase: every fault still in progress ends, then the cluster must converge\n", s.Duration, "end")
	return b.String()
}

func itemVerb(kind int) string {
	return [...]string{ItemAction: "action", ItemEnd: "end", ItemHeal: "heal", ItemStart: "start"}[kind]
}

// describe says what one item does.
func (tl *Timeline) describe(s *Scenario, it Item) string {
	f := it.Firing
	switch it.Kind {
	case ItemAction:
		a := s.Actions[it.Action]
		return fmt.Sprintf("%s (actions[%d])", strings.Join(a.Kinds(), "+"), it.Action)
	case ItemEnd:
		return f.Name
	case ItemHeal:
		switch {
		case f.HealError != "":
			return fmt.Sprintf("%s cannot heal: %s", f.Name, f.HealError)
		case len(f.Heals) == 0:
			return fmt.Sprintf("%s heals nothing: nothing it names is in progress", f.Name)
		}
		names := make([]string, len(f.Heals))
		for i, h := range f.Heals {
			names[i] = h.Name
		}
		return fmt.Sprintf("%s ends %s", f.Name, strings.Join(names, ", "))
	}
	g := f.Spec // what it does, without its timing, which the line says
	g.Name, g.At, g.For, g.Every, g.Until = "", 0, 0, 0, 0
	what := g.Spec()
	if f.Kind == KindNemesis {
		what += " (draws its own faults)"
	}
	switch {
	case f.instant():
		return fmt.Sprintf("%s: %s", f.Name, what)
	case f.EndedBy != nil && f.EndedBy.Kind == KindHeal:
		return fmt.Sprintf("%s: %s until %s, healed by %s", f.Name, what, f.End, f.EndedBy.Name)
	case f.EndedBy != nil:
		return fmt.Sprintf("%s: %s until %s, restarted by %s", f.Name, what, f.End, f.EndedBy.Name)
	case f.Open:
		return fmt.Sprintf("%s: %s until healed or the end", f.Name, what)
	case f.Cut:
		return fmt.Sprintf("%s: %s until the end (its for reaches past it)", f.Name, what)
	}
	return fmt.Sprintf("%s: %s until %s", f.Name, what, f.End)
}
