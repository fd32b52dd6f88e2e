package serf

import "sync/atomic"

// LamportTime is a value of a Lamport clock.
type LamportTime uint64

// LamportClock is a thread-safe Lamport clock: local events increment it, and every
// time seen in a message is witnessed, so that a message sent after another was received
// carries a larger time. Serf keeps three: member intents, user events and queries.
type LamportClock struct {
	counter atomic.Uint64
	// moved, if set, is poked (never blocking) whenever the counter moves: it is how the
	// clock saver (snapshot.go) learns there is something to persist. Set before use.
	moved chan struct{}
}

// Time returns the current value.
func (c *LamportClock) Time() LamportTime { return LamportTime(c.counter.Load()) }

// Increment advances the clock and returns the new value.
func (c *LamportClock) Increment() LamportTime {
	v := LamportTime(c.counter.Add(1))
	c.poke()
	return v
}

// Witness moves the clock past v, if it is not already: the next local time will be
// later than anything seen.
func (c *LamportClock) Witness(v LamportTime) {
	for {
		cur := c.counter.Load()
		if uint64(v) < cur {
			return
		}
		if c.counter.CompareAndSwap(cur, uint64(v)+1) {
			c.poke()
			return
		}
	}
}

func (c *LamportClock) poke() {
	if c.moved == nil {
		return
	}
	select {
	case c.moved <- struct{}{}:
	default: // a poke is already waiting: the saver reads the latest values anyway
	}
}
