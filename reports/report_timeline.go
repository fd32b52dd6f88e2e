package reports

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg/draw"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports/plot"
)

// timeline is the report's chart of the whole run, one lane per node: when each node was
// up, which server led which term, crashes and restarts, how the others saw each member
// (failed, suspected, alive again, leaving or left), under the fault windows.
func timeline(run *checker.Run, bands plot.Bands, end event.Time) (plot.Figure, error) {
	nodes := runNodes(run)
	lane := map[string]int{}
	for i, n := range nodes {
		lane[n] = i
	}
	t := &plot.Timeline{Lanes: nodes, End: end.Seconds(), Bands: bands}
	// dedupe drops a mark of the same kind on the same lane closer than about a pixel to
	// the last one drawn: a member that 99 observers see failed within a few
	// milliseconds is one mark, and the page stays small.
	near := end.Seconds() / 2000
	last := map[[2]string]float64{}
	mark := func(node, kind string, at event.Time, g draw.GlyphDrawer, c color.Color) {
		i, ok := lane[node]
		if !ok {
			return
		}
		k := [2]string{node, kind}
		if prev, seen := last[k]; seen && at.Seconds()-prev < near {
			return
		}
		last[k] = at.Seconds()
		t.Marks = append(t.Marks, plot.Mark{Lane: i, At: at.Seconds(), Glyph: g, Color: c})
	}

	upSince := map[string]event.Time{}
	started := map[string]bool{}
	leading := map[string]*plot.Bar{}
	var bars []plot.Bar
	stopLeading := func(node string, at event.Time) {
		if b := leading[node]; b != nil {
			b.To = at.Seconds()
			bars = append(bars, *b)
			delete(leading, node)
		}
	}
	seen := map[[2]string]string{} // (observer, member) -> the status it last saw
	for _, ev := range run.Events {
		switch ev.Type {
		case event.NodeUp:
			upSince[ev.Node] = ev.T
			if started[ev.Node] {
				mark(ev.Node, "restart", ev.T, draw.PyramidGlyph{}, plot.Restart)
			}
			started[ev.Node] = true
			for k := range seen { // a restarted observer's views start afresh
				if k[0] == ev.Node {
					delete(seen, k)
				}
			}
		case event.NodeDown:
			stopLeading(ev.Node, ev.T)
			if from, ok := upSince[ev.Node]; ok {
				t.Bars = append(t.Bars, plot.Bar{Lane: lane[ev.Node], From: from.Seconds(), To: ev.T.Seconds(), Color: plot.Grey, Width: 1.5})
				delete(upSince, ev.Node)
			}
			var c color.Color = plot.Fail
			if ev.Reason == event.ReasonLeave {
				c = plot.Grey
			}
			mark(ev.Node, "down", ev.T, draw.CrossGlyph{}, c)
		case event.RaftState:
			stopLeading(ev.Node, ev.T)
			if ev.State == event.RaftLeader {
				leading[ev.Node] = &plot.Bar{Lane: lane[ev.Node], From: ev.T.Seconds(), Color: plot.Leader, Width: 5,
					Label: fmt.Sprintf("term %d", ev.Term)}
			}
		case event.MemberSuspect:
			mark(ev.Member, "suspect", ev.T, draw.PlusGlyph{}, plot.Unknown)
		case event.Member:
			k := [2]string{ev.Node, ev.Member}
			prev, had := seen[k]
			seen[k] = ev.Status
			if !had || prev == ev.Status || ev.Node == ev.Member {
				continue // a first sight, or no change, or a node's view of itself
			}
			switch ev.Status {
			case event.StatusFailed:
				mark(ev.Member, "failed", ev.T, draw.RingGlyph{}, plot.Fail)
			case event.StatusAlive:
				mark(ev.Member, "alive", ev.T, draw.RingGlyph{}, plot.Restart)
			default:
				mark(ev.Member, "left", ev.T, draw.SquareGlyph{}, plot.Grey)
			}
		}
	}
	for _, n := range nodes { // in lane order: the output does not depend on map order
		if from, ok := upSince[n]; ok {
			t.Bars = append(t.Bars, plot.Bar{Lane: lane[n], From: from.Seconds(), To: end.Seconds(), Color: plot.Grey, Width: 1.5})
		}
		stopLeading(n, end)
	}
	slices.SortStableFunc(bars, func(a, b plot.Bar) int { return cmp.Compare(a.From, b.From) })
	t.Bars = append(t.Bars, bars...) // leaders over the up lines
	svg, _, err := t.SVG(plot.Width)
	if err != nil {
		return plot.Figure{}, err
	}
	return plot.Figure{ID: "timeline", SVG: svg, FaultBands: len(bands),
		Caption: "One lane per node. Grey line: up. Blue bar: leader of the term named. " +
			"Red ✕: down (grey ✕: left). Green ▲: restarted. How the other members saw this one: " +
			"red ○ failed, orange + suspected, green ○ alive again, grey □ leaving or left. " +
			"Shaded: fault windows, labelled above the lanes."}, nil
}

// runNodes are the nodes of a run in natural order (server-2 before server-10), servers
// first: the ones that have a node_up, and any other a raft_state or a member event
// names.
func runNodes(run *checker.Run) []string {
	set := map[string]bool{}
	for _, ev := range run.Events {
		switch ev.Type {
		case event.NodeUp, event.NodeDown, event.RaftState:
			set[ev.Node] = true
		}
	}
	var out []string
	for n := range set {
		out = append(out, n)
	}
	slices.SortFunc(out, naturalOrder)
	return out
}

// naturalOrder orders names by their part before a trailing number, servers first, then
// by that number.
func naturalOrder(a, b string) int {
	pa, na := splitNumber(a)
	pb, nb := splitNumber(b)
	rank := func(p string) int {
		if strings.HasPrefix(p, "server") {
			return 0
		}
		return 1
	}
	return cmp.Or(cmp.Compare(rank(pa), rank(pb)), cmp.Compare(pa, pb), cmp.Compare(na, nb), cmp.Compare(a, b))
}

// splitNumber splits "server-12" into "server-" and 12 (-1 without a trailing number).
func splitNumber(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil {
		return s, -1
	}
	return s[:i], n
}
