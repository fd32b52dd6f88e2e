package world

import (
	"slices"
	"time"
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
