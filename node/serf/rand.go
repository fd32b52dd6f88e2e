package serf

import (
	"math/rand"
	"sync"
)

// lockedRand serializes a caller's *rand.Rand (which is not safe for concurrent use), or
// falls back to the global source.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newLockedRand(r *rand.Rand) *lockedRand { return &lockedRand{r: r} }

func (l *lockedRand) Uint32() uint32 {
	if l.r == nil {
		return rand.Uint32()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Uint32()
}

func (l *lockedRand) Intn(n int) int {
	if l.r == nil {
		return rand.Intn(n)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Intn(n)
}

func (l *lockedRand) Float64() float64 {
	if l.r == nil {
		return rand.Float64()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

// Perm returns a random permutation of n.
func (l *lockedRand) Perm(n int) []int {
	if l.r == nil {
		return rand.Perm(n)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Perm(n)
}
