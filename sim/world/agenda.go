package world

import (
	"cmp"
	"slices"
	"time"
)

// agenda is the world's timeline of things to do at given virtual times that are not
// actions: fault firings and their ends, repetitions, nemesis draws, NIC flaps. Items due
// at the same time run in the order they were scheduled, so a run never depends on a
// map or on goroutine order. Used only from the world's main goroutine.
type agenda struct {
	items []agendaItem // sorted by (at, seq)
	seq   uint64
}

type agendaItem struct {
	at  time.Duration
	seq uint64
	fn  func()
}

// at schedules fn at virtual time t.
func (a *agenda) at(t time.Duration, fn func()) {
	a.seq++
	it := agendaItem{at: t, seq: a.seq, fn: fn}
	i, _ := slices.BinarySearchFunc(a.items, it, func(x, y agendaItem) int {
		if c := cmp.Compare(x.at, y.at); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	a.items = slices.Insert(a.items, i, it)
}

// next returns the time of the earliest item.
func (a *agenda) next() (time.Duration, bool) {
	if len(a.items) == 0 {
		return 0, false
	}
	return a.items[0].at, true
}

// pop removes and returns the earliest item's function.
func (a *agenda) pop() func() {
	fn := a.items[0].fn
	a.items[0] = agendaItem{}
	a.items = a.items[1:]
	return fn
}

// clear drops every item: the liveness phase ends all chaos.
func (a *agenda) clear() { a.items = nil }
