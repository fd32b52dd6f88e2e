package world

import (
	"math/rand"
	"time"
)

// openLoop runs an open-loop client: arrivals as a Poisson process at rate per second from
// start until stop, at most maxInFlight outstanding (an arrival waits for a free slot).
// next is called on the client's own goroutine for each arrival, so that every random
// choice is drawn in a fixed order; the call it returns runs on a goroutine of its own.
func (w *World) openLoop(rng *rand.Rand, rate float64, start, stop time.Duration, next func() (call func())) {
	slots := make(chan struct{}, maxInFlight)
	mean := float64(time.Second) / rate
	at := start
	for {
		at += time.Duration(rng.ExpFloat64() * mean)
		if at >= stop {
			return
		}
		w.sleepUntil(at)
		slots <- struct{}{}
		if w.emit.now() >= stop {
			return
		}
		call := next()
		go func() {
			defer func() { <-slots }()
			call()
		}()
	}
}
