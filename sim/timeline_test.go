package sim_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// checkFiresSchedule requires the world to have fired exactly sc's schedule
// (scenarios.Schedule): every planned firing started at its time under its name, and ended
// when the schedule says (its for; the heal or restart that ended it; in the liveness phase
// when it lasts to the end); every heal ended the firings the schedule says; nothing fired
// that the schedule lacks, beyond a nemesis's draws inside its window. What only the run can
// know is allowed for: a crash of a dynamic target may end at a restart that hit its node.
func checkFiresSchedule(t *testing.T, sc *scenarios.Scenario, evs []event.Event) {
	t.Helper()
	tl := sc.Schedule()
	end := sc.Duration.D()
	type want struct {
		f        *scenarios.Firing
		end      time.Duration
		reason   string
		liveness bool // ends in the liveness phase
	}
	wants := map[string][]want{}
	var nemeses []*scenarios.Firing
	for _, f := range tl.Firings {
		switch {
		case f.Removed || f.Start.D() > end:
			continue
		case f.Kind == scenarios.KindNemesis:
			nemeses = append(nemeses, f)
			continue
		}
		w := want{f: f, end: f.End.D()}
		switch {
		case f.EndedBy != nil && f.EndedBy.Kind == scenarios.KindHeal:
			w.reason = "healed by " + f.EndedBy.Name
		case f.EndedBy != nil:
			w.reason = "restarted by " + f.EndedBy.Name
		case f.Open || f.Cut:
			w.liveness = true
		}
		wants[f.Name] = append(wants[f.Name], w)
	}
	for _, ws := range wants {
		slices.SortStableFunc(ws, func(a, b want) int { return int(a.f.Start - b.f.Start) })
	}
	heals := map[string][][]string{} // a heal's targets, per firing, from the stream
	for _, ev := range evs {
		if ev.Type == event.FaultStart && ev.Kind == scenarios.KindHeal {
			heals[ev.Name] = append(heals[ev.Name], ev.Targets)
		}
	}
	seen := map[string]int{}
	for _, g := range firings(t, evs) {
		ws := wants[g.name]
		i := seen[g.name]
		if i >= len(ws) {
			if !inNemesis(nemeses, g) {
				t.Errorf("%s fired at %s, which the schedule does not have", g.name, g.started)
			}
			continue
		}
		seen[g.name]++
		w := ws[i]
		if g.started != w.f.Start.D() {
			t.Errorf("%s (firing %d) started at %s; the schedule has %s", g.name, i+1, g.started, w.f.Start)
		}
		dynamicCrash := (w.f.Kind == scenarios.KindCrash || w.f.Kind == scenarios.KindLeave) && scenarios.IsDynamicTarget(w.f.Target())
		switch {
		case w.liveness && dynamicCrash && strings.HasPrefix(g.reason, "restarted by "):
		case w.liveness:
			if g.ended < end {
				t.Errorf("%s (firing %d) ended at %s (%q); the schedule has it last into the liveness phase (from %s)", g.name, i+1, g.ended, g.reason, sc.Duration)
			}
		case g.ended != w.end || g.reason != w.reason:
			t.Errorf("%s (firing %d) ended at %s (%q); the schedule has %s (%q)", g.name, i+1, g.ended, g.reason, w.end, w.reason)
		}
		if w.f.Kind == scenarios.KindHeal {
			checkHealTargets(t, w.f, heals[g.name][i])
		}
	}
	for name, ws := range wants {
		if seen[name] < len(ws) {
			t.Errorf("%s fired %d times; the schedule has %d (the first missing at %s)", name, seen[name], len(ws), ws[seen[name]].f.Start)
		}
	}
}

// inNemesis reports whether g is a draw of one of the nemeses, inside its window.
func inNemesis(nemeses []*scenarios.Firing, g *firing) bool {
	for _, n := range nemeses {
		if strings.HasPrefix(g.name, n.Name+"-") && g.started >= n.Start.D() && g.started < n.End.D() {
			return true
		}
	}
	return false
}

// checkHealTargets compares the firings a heal ended in the stream with the schedule's: a
// healed nemesis shows as its draw in progress, if one was.
func checkHealTargets(t *testing.T, h *scenarios.Firing, got []string) {
	t.Helper()
	var want []string
	rest := slices.Clone(got)
	for _, f := range h.Heals {
		if f.Kind == scenarios.KindNemesis {
			rest = slices.DeleteFunc(rest, func(n string) bool { return strings.HasPrefix(n, f.Name+"-") })
			continue
		}
		want = append(want, f.Name)
	}
	if !slices.Equal(rest, want) {
		t.Errorf("%s at %s healed %v; the schedule has %v", h.Name, h.Start, got, want)
	}
}

// The schedule check on scenarios made up from a seed: a small cluster under a light
// workload and a handful of faults of the kinds whose timing the schedule knows (repeats,
// sequences, heals of one fault or all, a crash and its restart), drawn until one
// validates. Each is run once through the world and must fire exactly its schedule.
func TestGeneratedSchedulesFire(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		src := generateSchedule(t, seed)
		sc, err := scenarios.Parse(fmt.Sprintf("generated-%d.yaml", seed), []byte(src))
		if err != nil {
			t.Fatalf("seed %d: the generator made an invalid scenario:\n%s\n%v", seed, src, err)
		}
		t.Run(sc.Name, func(t *testing.T) {
			res := runSpec(t, runspec.Spec{Scenario: *sc, Seed: seed}, sim.Options{})
			checkFiresSchedule(t, sc, res.Events)
			if t.Failed() {
				t.Logf("scenario:\n%s", src)
			}
		})
	}
}

// generateSchedule draws scenarios from seed until one validates that has a heal, a
// sequence and a repeating fault, and returns its source.
func generateSchedule(t *testing.T, seed uint64) string {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0x5c4ed))
	for range 100_000 {
		src := drawSchedule(r, seed)
		rich := strings.Contains(src, "heal:") && strings.Contains(src, "sequence:") && strings.Contains(src, "every:")
		if _, err := scenarios.Parse("generated.yaml", []byte(src)); rich && err == nil {
			return src
		}
	}
	t.Fatalf("seed %d: no valid scenario in 100000 draws", seed)
	return ""
}

// drawSchedule writes one scenario with 3 to 6 faults, times on a 1 s grid in a 20 s run.
func drawSchedule(r *rand.Rand, seed uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: generated-%d\nduration: 20s\ncluster: {servers: 3, clients: 1}\n", seed)
	b.WriteString("workload: {clients: 2, rate: 5/s, keys: 4, start: 1s}\nliveness: {timeout: 20s}\nfaults:\n")
	nodes := []string{"server-1", "server-2", "server-3", "client-1"}
	node := func() string { return nodes[r.IntN(len(nodes))] }
	n := 3 + r.IntN(4)
	for i := range n {
		at := 1 + r.IntN(15)
		dur := 1 + r.IntN(4)
		timing := fmt.Sprintf("at: %ds, for: %ds", at, dur)
		if r.IntN(4) == 0 {
			timing += fmt.Sprintf(", every: %ds", dur+1+r.IntN(4))
		}
		name := fmt.Sprintf("f%d", i+1)
		switch r.IntN(8) {
		case 0:
			fmt.Fprintf(&b, "  - {name: %s, %s, isolate: %s}\n", name, timing, node())
		case 1:
			fmt.Fprintf(&b, "  - {name: %s, %s, partition: {split: majority}}\n", name, timing)
		case 2:
			fmt.Fprintf(&b, "  - {name: %s, %s, link: {node: %s, loss: 0.5}}\n", name, timing, node())
		case 3:
			fmt.Fprintf(&b, "  - {name: %s, %s, pause: %s}\n", name, timing, node())
		case 4:
			fmt.Fprintf(&b, "  - {name: %s, at: %ds, sequence: [{for: %ds, isolate: %s}, {for: %ds, link: {loss: 0.3}}]}\n", name, at, dur, node(), 1+r.IntN(3))
		case 5:
			target := "all"
			if i > 0 && r.IntN(2) == 0 {
				target = fmt.Sprintf("f%d", 1+r.IntN(i))
			}
			fmt.Fprintf(&b, "  - {name: %s, at: %ds, heal: %s}\n", name, at, target)
		case 6:
			nd := node()
			fmt.Fprintf(&b, "  - {name: %s, at: %ds, crash: %s}\n  - {name: %s-back, at: %ds, restart: %s}\n", name, at, nd, name, at+dur, nd)
		case 7:
			fmt.Fprintf(&b, "  - {name: %s, at: %ds, isolate: %s}\n", name, at, node())
		}
	}
	return b.String()
}
