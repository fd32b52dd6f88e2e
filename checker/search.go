package checker

import (
	"cmp"
	"slices"
	"sort"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// Porcupine tries every order of the operations that real time allows. Two rules cut that
// down to one canonical order wherever the choice cannot matter; the model enforces them
// (searchStep), so porcupine stays the search engine. Both keep the verdict; the argument:
//
// Among all linearizations of a history, take one that puts its reads (gets, and cas that
// answered false: they leave the state as it is) as early as possible (the least sum of
// their positions) and, among those, has the fewest pairs of twins out of deadline order.
// It obeys both rules:
//
//   - Reads first. When the next operation w to place is not a read, no read that has been
//     called (by the latest call among the operations placed so far and w's own, which
//     the linearization point cannot precede) and would succeed in the key's current
//     state is still waiting. Otherwise move that read to just before w, at w's point: it
//     is called by then, returns after the point it had, succeeds in the same state, and
//     every state after stays the same, while the sum of the reads' positions drops. A
//     read is never a reason to wait: it changes nothing.
//   - Twins by deadline. Operations that are identical (same kind, value, condition and
//     answer; puts and deletes whatever they answered) are twins. A twin x is placed only
//     when every twin y of earlier deadline (it returns first; open-ended returns last;
//     ties: called first, then first in the history) that has been called by then is
//     placed. Otherwise swap x and y: y at x's point is after its call, x at y's later
//     point is before y's return and so before its own; the operations are identical, so
//     every state is the same; the reads keep their positions (when x and y are reads,
//     they swap them), and one pair of twins fewer is out of order.
//
// So the search loses no verdict by considering only such orders. What it saves: k
// concurrent twins (the writes no read saw, which a crash times out by the dozen and a
// healed partition lets through all at once; the reads held back with them) are 2^k sets
// for porcupine to try, and about k with the rule; a write concurrent with reads is tried
// only once they are placed. The state carries what the rules read (the latest call placed,
// which reads and twins are placed); both follow from the set of placed operations, which
// porcupine's cache compares already, so they stay out of Equal and Hash.

// searchOrder is one operation's part in the canonical order.
type searchOrder struct {
	call int64
	bit  int32  // its bit in searchState.done; -1: none (not a read, no twin)
	twin *twins // its twins, with itself, by deadline; nil: none
	rank int32  // its place in twin.members
	key  *keyReads
}

// twins is a set of identical operations of one key, by deadline. During a search, every
// member before low is placed.
type twins struct {
	members []twin
	low     int32
}

// twinRank is an operation's set of twins and its place there.
type twinRank struct {
	of   *twins
	rank int32
}

type twin struct {
	call int64
	bit  int32
}

// keyReads is a key's reads: its gets by the state they read (found and value), and its
// cas that answered false, each run with its calls in increasing order and its bits
// consecutive from start in that order.
type keyReads struct {
	// settle: a step may not leave a value while a get of it is still waiting (allRead).
	settle  bool
	byState map[kvState]readRun
	failed  readRun
	// expect is, for each cas that answered false in failed's order, the state in which
	// it could not have failed: the one it expected.
	expect []kvState

	// The search's set of placed reads and twins (searchState): done has their bits,
	// placed the bits in the order they were set; failedLow is a place in failed before
	// which every cas is placed.
	done      []uint64
	placed    []int32
	failedLow int32
	twinOf    map[int32]twinRank // bit -> its twins, for rewind
}

type readRun struct {
	calls []int64
	start int32
}

// searchState is what porcupine searches: the key's state, the latest call among the
// placed operations, and mark, the length of the key's placement log (keyReads.placed)
// when the state was made: which reads and twins are placed is the log up to there.
//
// The set of placed operations lives in the key's keyReads, not in the state, because a
// copy per step costs as much as the set is large. That works because of how porcupine
// searches: depth first, always stepping from the state it reached last, or, when it
// backs up, from the one before; so the log is always that state's path plus what later
// steps added, and rewinding it to the state's mark (searchStep's first act) gives exactly
// that state's set. A state is therefore only good for the search it came from, and one
// prepared history is searched by one search at a time.
type searchState struct {
	kv      kvState
	maxCall int64
	mark    int32
}

// searchStep is kvStep within the canonical order.
func searchStep(s searchState, in kvInput, out kvOutput) (bool, searchState) {
	o := in.order
	if o == nil { // a history not prepared for the search: no order to keep
		ok, kv := kvStep(s.kv, in, out)
		return ok, searchState{kv: kv}
	}
	k := o.key
	k.rewind(s.mark)
	now := max(s.maxCall, o.call)
	if t := o.twin; t != nil && !k.twinsBefore(t, o.rank, now) {
		return false, s
	}
	if !isRead(in, out) && k.waiting(s.kv, now) {
		return false, s
	}
	ok, kv := kvStep(s.kv, in, out)
	if !ok {
		return false, s
	}
	if kv != s.kv && k.settle && !k.allRead(s.kv) {
		return false, s
	}
	if o.bit >= 0 {
		k.place(o.bit)
	}
	return true, searchState{kv: kv, maxCall: now, mark: int32(len(k.placed))}
}

// twinsBefore says whether every twin of t before rank (earlier deadline) that was called by
// now is placed. The twins before t.low are all placed; skip past those placed since.
func (k *keyReads) twinsBefore(t *twins, rank int32, now int64) bool {
	for t.low < int32(len(t.members)) && hasBit(k.done, t.members[t.low].bit) {
		t.low++
	}
	for _, y := range t.members[min(t.low, rank):rank] {
		if y.call <= now && !hasBit(k.done, y.bit) {
			return false
		}
	}
	return true
}

// place records that the operation with bit b is placed.
func (k *keyReads) place(b int32) {
	if w := int(b / 64); w >= len(k.done) {
		k.done = append(k.done, make([]uint64, w+1-len(k.done))...)
	}
	k.done[b/64] |= 1 << (b % 64)
	k.placed = append(k.placed, b)
}

// rewind forgets the operations placed after the first mark.
func (k *keyReads) rewind(mark int32) {
	for int32(len(k.placed)) > mark {
		b := k.placed[len(k.placed)-1]
		k.placed = k.placed[:len(k.placed)-1]
		k.done[b/64] &^= 1 << (b % 64)
		if n := b - k.failed.start; n >= 0 && n < int32(len(k.failed.calls)) {
			k.failedLow = min(k.failedLow, n)
		}
		if t := k.twinOf[b]; t.of != nil {
			t.of.low = min(t.of.low, t.rank)
		}
	}
}

// isRead says whether an operation leaves the state as it is: a get, or a cas that
// answered false.
func isRead(in kvInput, out kvOutput) bool {
	return in.Op == event.OpGet || (in.Op == event.OpCAS && !out.OK && !out.Unknown)
}

// waiting says whether a read of the key that has been called by now and would succeed
// in state s is still to be placed.
func (k *keyReads) waiting(s kvState, now int64) bool {
	if run, ok := k.byState[s]; ok && !allBits(k.done, run.start, run.start+run.calledBy(now)) {
		return true
	}
	f := k.failed
	// The cas that answered false before failedLow are all placed; skip past those that
	// have been placed since.
	for k.failedLow < int32(len(f.calls)) && hasBit(k.done, f.start+k.failedLow) {
		k.failedLow++
	}
	for n, i := k.failedLow, f.calledBy(now); n < i; n++ {
		if !hasBit(k.done, f.start+n) && k.expect[n] != s {
			return true
		}
	}
	return false
}

// allRead says whether every get that read s's value is placed, when no other write can
// bring it back: a value other than missing and the unread one has one writer, placed
// once, so a get of it still waiting when the state moves on can never be placed.
func (k *keyReads) allRead(s kvState) bool {
	if !s.Present || s.Value == unreadValue {
		return true
	}
	run, ok := k.byState[s]
	return !ok || allBits(k.done, run.start, run.start+int32(len(run.calls)))
}

// calledBy is how many of the run's reads were called by now.
func (r readRun) calledBy(now int64) int32 {
	return int32(sort.Search(len(r.calls), func(i int) bool { return r.calls[i] > now }))
}

func hasBit(b []uint64, i int32) bool {
	w := int(i / 64)
	return w < len(b) && b[w]&(1<<(i%64)) != 0
}

// allBits says whether bits from to to (excluded) are all set.
func allBits(b []uint64, from, to int32) bool {
	for i := from; i < to; {
		w := int(i / 64)
		if w >= len(b) {
			return false
		}
		// The bits of word w from i to min(to, the word's end).
		end := min(to, int32(w+1)*64)
		mask := ^uint64(0) << (i % 64)
		if end%64 != 0 {
			mask &= (1 << (end % 64)) - 1
		}
		if b[w]&mask != mask {
			return false
		}
		i = end
	}
	return true
}

// prepareSearch gives each operation of a history its part in the canonical order. It
// returns a new slice. Prepare the very history to be searched: the order refers to its
// operations (a twin left out would be waited for forever). settle prunes, besides, every
// order that leaves a value while one of its gets is still waiting (keyReads.allRead):
// such an order can never be completed, but porcupine would find that out only at the
// get's return, after trying everything concurrent with it. Leave it off to explain a
// violation: the order that gets furthest is then the one that blames the get.
func prepareSearch(hist []porcupine.Operation, settle bool) []porcupine.Operation {
	out := slices.Clone(hist)
	orders := make([]searchOrder, len(out))
	reads := map[string]*keyReads{} // key -> its gets
	bits := map[string]int32{}      // key -> bits numbered so far
	for i := range out {
		k := out[i].Input.(kvInput).Key
		if reads[k] == nil {
			reads[k] = &keyReads{settle: settle, byState: map[kvState]readRun{}, twinOf: map[int32]twinRank{}}
		}
		orders[i] = searchOrder{call: out[i].Call, bit: -1, key: reads[k]}
	}

	// Gets: bits consecutive per key and state read, in call order.
	type read struct {
		key   string
		state kvState
	}
	gets := map[read][]int{}
	var runs []read
	for i, op := range out {
		if op.Input.(kvInput).Op != event.OpGet {
			continue
		}
		o := op.Output.(kvOutput)
		r := read{op.Input.(kvInput).Key, kvState{Present: o.Found, Value: o.Value}}
		if _, ok := gets[r]; !ok {
			runs = append(runs, r)
		}
		gets[r] = append(gets[r], i)
	}
	for _, r := range runs {
		idx := gets[r]
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(out[a].Call, out[b].Call) })
		run := readRun{start: bits[r.key]}
		for _, i := range idx {
			run.calls = append(run.calls, out[i].Call)
			orders[i].bit = bits[r.key]
			bits[r.key]++
		}
		reads[r.key].byState[r.state] = run
	}

	// Cas that answered false: bits consecutive per key, in call order.
	failed := map[string][]int{}
	for i, op := range out {
		in := op.Input.(kvInput)
		if in.Op == event.OpCAS && isRead(in, op.Output.(kvOutput)) {
			failed[in.Key] = append(failed[in.Key], i)
		}
	}
	for k, idx := range failed {
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(out[a].Call, out[b].Call) })
		r := reads[k]
		r.failed.start = bits[k]
		for _, i := range idx {
			in := out[i].Input.(kvInput)
			r.failed.calls = append(r.failed.calls, out[i].Call)
			exp := kvState{} // expectAbsent: it could not have failed on a missing key
			if in.Expect == expectValue {
				exp = kvState{Present: true, Value: in.ExpectValue}
			}
			r.expect = append(r.expect, exp)
			orders[i].bit = bits[k]
			bits[k]++
		}
	}

	// Twins: identical operations, by deadline.
	type identity struct {
		in  kvInput
		out kvOutput
	}
	groups := map[identity][]int{}
	var order []identity
	for i, op := range out {
		in, res := op.Input.(kvInput), op.Output.(kvOutput)
		in.Shown, in.order = "", nil
		if in.Op == event.OpPut || in.Op == event.OpDelete {
			res = kvOutput{} // they apply whatever they answered: kvStep ignores it
		}
		id := identity{in, res}
		if _, ok := groups[id]; !ok {
			order = append(order, id)
		}
		groups[id] = append(groups[id], i)
	}
	for _, id := range order {
		members := groups[id]
		if len(members) < 2 {
			continue
		}
		slices.SortStableFunc(members, func(a, b int) int {
			return cmp.Or(cmp.Compare(out[a].Return, out[b].Return), cmp.Compare(out[a].Call, out[b].Call))
		})
		t := &twins{}
		for rank, i := range members {
			if orders[i].bit < 0 {
				orders[i].bit = bits[id.in.Key]
				bits[id.in.Key]++
			}
			t.members = append(t.members, twin{call: out[i].Call, bit: orders[i].bit})
			orders[i].twin, orders[i].rank = t, int32(rank)
			reads[id.in.Key].twinOf[orders[i].bit] = twinRank{t, int32(rank)}
		}
	}
	for i := range out {
		in := out[i].Input.(kvInput)
		in.order = &orders[i]
		out[i].Input = in
	}
	return out
}
