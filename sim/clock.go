package sim

import (
	"sync/atomic"
	"time"
)

// Virtual clock epochs. The monotonic clock must not start at zero (the Go runtime aborts
// with "nanotime returning zero"), so it starts at one second; the wall clock starts at
// VirtualEpoch. Both are fixed so that every run sees the same times.
const monotonicStart = int64(time.Second)

// VirtualEpoch is the wall-clock time at which every simulated world starts.
var VirtualEpoch = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)

// virtualClock is the guest's only notion of time. It advances only when the guest sleeps
// (poll_oneoff with a timeout, which wazero hands to nanosleep): an idle world jumps
// straight to its next timer, and computation takes no virtual time at all.
//
// The guest is single-threaded, so only one goroutine of wazero ever calls into it; the
// atomic lets the host read progress from another goroutine.
type virtualClock struct {
	mono atomic.Int64
	// advanced is the wall time (Unix nanoseconds) of the last sleep that moved the clock:
	// a guest stopped at its wall-time limit with a clock that has not moved for long is
	// hung; one whose clock still moved was merely slow.
	advanced atomic.Int64
}

func newVirtualClock() *virtualClock {
	c := &virtualClock{}
	c.mono.Store(monotonicStart)
	c.advanced.Store(time.Now().UnixNano())
	return c
}

func (c *virtualClock) nanotime() int64 { return c.mono.Load() }

func (c *virtualClock) walltime() (sec int64, nsec int32) {
	t := VirtualEpoch.Add(time.Duration(c.mono.Load() - monotonicStart))
	return t.Unix(), int32(t.Nanosecond())
}

func (c *virtualClock) nanosleep(ns int64) {
	if ns > 0 {
		c.mono.Add(ns)
		c.advanced.Store(time.Now().UnixNano())
	}
}

// stalled is the wall time since the clock last moved.
func (c *virtualClock) stalled() time.Duration {
	return time.Since(time.Unix(0, c.advanced.Load()))
}

// elapsed is the virtual time since the guest started.
func (c *virtualClock) elapsed() time.Duration {
	return time.Duration(c.mono.Load() - monotonicStart)
}
