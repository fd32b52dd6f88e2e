package world

import (
	"slices"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node"
)

// bootWindow is how long the nodes take to boot, one after the other in node order.
const bootWindow = time.Second

// bootTimes returns when each node boots: seeded random times within bootWindow, in
// increasing order. Real nodes never start in the same nanosecond, and memberlist's
// timers are phased by their start (its probe and gossip tickers start at Create; the
// random stagger it adds only delays the first tick it takes). Started at one instant,
// every node would gossip at the same instants, every 200 ms, and each gossip hop would
// wait for the next common tick: an artifact no real cluster shows.
func (w *World) bootTimes() []time.Duration {
	r := subRand(w.spec.Seed, "boot")
	out := make([]time.Duration, len(w.nodes))
	for i := range out {
		out[i] = time.Duration(r.Int63n(int64(bootWindow)))
	}
	slices.Sort(out)
	return out
}

// scheduleBoot puts each node's start on the agenda at its boot time and, once every agent
// runs, the joins: every agent joins the gossip pool through the first node, one after the
// other, in the background. Like everything on the agenda, the boot holds up nothing:
// a fault or action due in the first second happens when it is due. A failed join is
// behaviour of the system under test: it is recorded, not fatal.
func (w *World) scheduleBoot() {
	boot := w.bootTimes()
	order := w.bootOrder()
	up := 0
	for i, n := range order {
		w.agenda.at(boot[i], func() {
			w.start(n, func() {
				if up++; up == len(order) {
					w.joinAll()
				}
			})
		})
	}
}

// joinAll has every running agent but the first node's join through the first node, one
// after the other, on a goroutine of its own.
func (w *World) joinAll() {
	first := w.nodes[0]
	type joiner struct {
		name  string
		agent *node.Agent
	}
	var js []joiner
	for _, n := range w.nodes[1:] {
		if n.agent != nil {
			js = append(js, joiner{n.name, n.agent})
		}
	}
	addr := first.gossipAddr()
	go func() {
		for _, j := range js {
			ev := event.Event{Type: event.Join, Node: j.name, Addr: addr}
			if _, err := j.agent.Join(addr); err != nil {
				ev.Reason = err.Error()
			}
			w.emit.emit(ev)
		}
	}()
}
