package checker

import (
	"cmp"
	"slices"
	"sort"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// narrow tightens the intervals of a history's operations to what every linearization
// already obeys, so that porcupine does not try what cannot work. Values are unique (each is
// its writer's op id), so the operations that observe a value (a get that returned it, a
// cas that succeeded on it) follow its one writer w, with no other write between them. For
// a writer w and each of its observers o, and every write x other than both that takes
// effect in every linearization (a put, delete or cas that succeeded; one of unknown
// outcome that something observed):
//
//   - w comes before o: w returns by o's return, o is called no earlier than w;
//   - an x that comes before o in real time (it returned before o was called) comes
//     before w as well: w is called no earlier than x;
//   - an x that comes after w in real time (called after w returned) comes after o as
//     well: o returns no later than x.
//
// Each rule holds in every linearization, so the narrowed history has exactly the
// linearizations of the original: the verdict is the same. The rules feed each other, so
// they run until nothing changes (at most maxNarrowRounds times). A rule that would leave
// an operation with a return before its call (no linearization exists: the history is not
// linearizable) is not applied; porcupine finds the violation. It matters when requests
// are held back for seconds (a partition, a paused node) and then answered: each may go
// anywhere in its long interval, porcupine tries every such place for each, and the
// combinations of places multiply. It returns a new slice.
func narrow(hist []porcupine.Operation) []porcupine.Operation {
	out := slices.Clone(hist)
	byKey := map[string][]int{}
	var keys []string
	for i, op := range out {
		k := op.Input.(kvInput).Key
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], i)
	}
	for _, k := range keys {
		narrowKey(out, byKey[k])
	}
	return out
}

// maxNarrowRounds bounds narrowKey's rounds: each round only narrows, so it ends anyway, but
// a round costs n log n and the first few do nearly all of it.
const maxNarrowRounds = 20

// narrowKey narrows the operations at idx of ops, all on one key, in place.
func narrowKey(ops []porcupine.Operation, idx []int) {
	writer := map[string]int{}
	for _, i := range idx {
		in := ops[i].Input.(kvInput)
		if (in.Op == event.OpPut || in.Op == event.OpCAS) && in.Value != unreadValue && in.Value != "" {
			if _, dup := writer[in.Value]; dup {
				writer[in.Value] = -1 // not unique: no rule applies
			} else {
				writer[in.Value] = i
			}
		}
	}
	type link struct{ w, o int }
	var links []link
	observed := map[int]bool{}
	for _, i := range idx {
		in, out := ops[i].Input.(kvInput), ops[i].Output.(kvOutput)
		v := ""
		switch {
		case in.Op == event.OpGet && out.Found:
			v = out.Value
		case in.Op == event.OpCAS && out.OK && in.Expect == expectValue:
			v = in.ExpectValue
		}
		if w, ok := writer[v]; ok && w >= 0 && w != i {
			links = append(links, link{w, i})
			observed[w] = true
		}
	}
	if len(links) == 0 {
		return
	}
	var writes []int // the writes that take effect in every linearization
	for _, i := range idx {
		in, out := ops[i].Input.(kvInput), ops[i].Output.(kvOutput)
		switch {
		case in.Op == event.OpGet:
		case out.Unknown:
			if observed[i] {
				writes = append(writes, i)
			}
		case in.Op == event.OpPut, in.Op == event.OpDelete, in.Op == event.OpCAS && out.OK:
			writes = append(writes, i)
		}
	}
	setCall := func(i int, c int64) bool {
		if c > ops[i].Call && c <= ops[i].Return {
			ops[i].Call = c
			return true
		}
		return false
	}
	setReturn := func(i int, r int64) bool {
		if r < ops[i].Return && r >= ops[i].Call {
			ops[i].Return = r
			return true
		}
		return false
	}
	for range maxNarrowRounds {
		changed := false
		for _, l := range links {
			changed = setReturn(l.w, ops[l.o].Return) || changed
			changed = setCall(l.o, ops[l.w].Call) || changed
		}
		before := newPrefixMax(ops, writes)
		after := newSuffixMin(ops, writes)
		for _, l := range links {
			if c, ok := before.maxCall(ops[l.o].Call, l.w, l.o); ok {
				changed = setCall(l.w, c) || changed
			}
			if r, ok := after.minReturn(ops[l.w].Return, l.w, l.o); ok {
				changed = setReturn(l.o, r) || changed
			}
		}
		if !changed {
			return
		}
	}
}

// prefixMax answers "the latest call among the writes that returned before t", leaving
// out up to two given operations: the writes by return, with the three latest calls of
// every prefix.
type prefixMax struct {
	rets []int64
	top  [][3]int // indexes into ops, -1 when fewer
	ops  []porcupine.Operation
}

func newPrefixMax(ops []porcupine.Operation, writes []int) prefixMax {
	w := slices.Clone(writes)
	slices.SortFunc(w, func(a, b int) int { return cmp.Compare(ops[a].Return, ops[b].Return) })
	p := prefixMax{ops: ops, rets: make([]int64, len(w)), top: make([][3]int, len(w))}
	cur := [3]int{-1, -1, -1}
	for n, i := range w {
		cur = insertTop(cur, i, func(a, b int) bool { return ops[a].Call > ops[b].Call })
		p.rets[n], p.top[n] = ops[i].Return, cur
	}
	return p
}

// maxCall is the latest call among the writes that returned before t, other than a and b.
func (p prefixMax) maxCall(t int64, a, b int) (int64, bool) {
	n, _ := slices.BinarySearch(p.rets, t) // writes [0, n) return before t
	if n == 0 {
		return 0, false
	}
	for _, i := range p.top[n-1] {
		if i >= 0 && i != a && i != b {
			return p.ops[i].Call, true
		}
	}
	return 0, false
}

// suffixMin answers "the earliest return among the writes called after t", leaving out up
// to two given operations.
type suffixMin struct {
	calls []int64
	top   [][3]int
	ops   []porcupine.Operation
}

func newSuffixMin(ops []porcupine.Operation, writes []int) suffixMin {
	w := slices.Clone(writes)
	slices.SortFunc(w, func(a, b int) int { return cmp.Compare(ops[a].Call, ops[b].Call) })
	s := suffixMin{ops: ops, calls: make([]int64, len(w)), top: make([][3]int, len(w))}
	cur := [3]int{-1, -1, -1}
	for n := len(w) - 1; n >= 0; n-- {
		i := w[n]
		cur = insertTop(cur, i, func(a, b int) bool { return ops[a].Return < ops[b].Return })
		s.calls[n], s.top[n] = ops[i].Call, cur
	}
	return s
}

// minReturn is the earliest return among the writes called after t, other than a and b.
func (s suffixMin) minReturn(t int64, a, b int) (int64, bool) {
	// writes [n, len) are called after t
	n := sort.Search(len(s.calls), func(k int) bool { return s.calls[k] > t })
	if n == len(s.calls) {
		return 0, false
	}
	for _, i := range s.top[n] {
		if i >= 0 && i != a && i != b {
			return s.ops[i].Return, true
		}
	}
	return 0, false
}

// insertTop keeps the three best of top and i, best first.
func insertTop(top [3]int, i int, better func(a, b int) bool) [3]int {
	for k := range top {
		if top[k] < 0 || better(i, top[k]) {
			copy(top[k+1:], top[k:2])
			top[k] = i
			break
		}
	}
	return top
}
