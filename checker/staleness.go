package checker

import (
	"cmp"
	"math"
	"slices"

	"github.com/consim/consim/event"
)

// Staleness says how far behind the answered reads of one mode were. For a read r of
// key k, the *newer* writes are the acknowledged writes of k that certainly came after
// the value r returned and certainly before r: called after the write of that value was
// acknowledged, and acknowledged before r was called. Real-time order alone puts them
// there, so the figures are lower bounds that no interleaving can excuse.
//
//   - versions behind: how many newer writes there were (put, cas and delete; for a read
//     that found the key missing only puts and cas count, as a delete of a missing key
//     changes nothing). The value's write is the put or cas that wrote it (values are
//     unique); for "missing", the latest acknowledgement among the deletes called before
//     r returned, or the start of the run. A write whose outcome is unknown has an
//     open-ended acknowledgement: nothing is newer than it.
//   - milliseconds behind: r's call time minus the acknowledgement of the first newer
//     write, i.e. how long the value r missed had been acknowledged (0 when none).
//
// A read of a value that no write in the history wrote is left out (the linearizability
// verdict already blames it).
type Staleness struct {
	Reads  int `json:"reads"`  // answered reads measured
	Behind int `json:"behind"` // of them, reads at least one version behind
	// VersionsBehind and MSBehind are distributions over all measured reads (nearest
	// rank; milliseconds of virtual time, rounded to microseconds); null without reads.
	VersionsBehind *Percentiles `json:"versions_behind"`
	MSBehind       *Percentiles `json:"ms_behind"`
}

// NewStaleness measures the answered gets of mode in ops. Per key, the acknowledged
// writes are sorted by acknowledgement, so each read counts its newer writes with a binary
// search and a walk over those alone: linear in the history, not quadratic.
func NewStaleness(ops []Op, mode string) *Staleness {
	type write struct {
		call, ret int64 // ret: openEnded if not acknowledged
		kind      string
	}
	type keyWrites struct {
		acked   []write          // acknowledged writes, by ret
		deletes []write          // every delete that may have taken effect
		byValue map[string]int64 // a put's or cas's value -> its ret
	}
	keys := map[string]*keyWrites{}
	for i := range ops {
		op := &ops[i]
		if op.Kind == event.OpGet || op.Status == event.StatusFail {
			continue
		}
		kw := keys[op.Key]
		if kw == nil {
			kw = &keyWrites{byValue: map[string]int64{}}
			keys[op.Key] = kw
		}
		w := write{int64(op.Call), int64(openEnded), op.Kind}
		if op.Returned && op.Status == event.StatusOK {
			w.ret = int64(op.Return)
			kw.acked = append(kw.acked, w)
		}
		if op.Kind == event.OpDelete {
			kw.deletes = append(kw.deletes, w)
		} else {
			kw.byValue[op.Value] = w.ret
		}
	}
	for _, kw := range keys {
		slices.SortStableFunc(kw.acked, func(a, b write) int { return cmp.Compare(a.ret, b.ret) })
	}
	st := &Staleness{}
	var versions, behindMS []float64
	for i := range ops {
		r := &ops[i]
		if r.Kind != event.OpGet || r.Mode != mode || r.Status != event.StatusOK {
			continue
		}
		call, ret := int64(r.Call), int64(r.Return)
		kw := keys[r.Key]
		if kw == nil {
			kw = &keyWrites{}
		}
		from := int64(math.MinInt64)
		if r.Found {
			wret, ok := kw.byValue[r.Read]
			if !ok {
				continue // a value nobody wrote: the verdict blames it
			}
			from = wret
		} else {
			for _, d := range kw.deletes {
				if d.call <= ret {
					from = max(from, d.ret)
				}
			}
		}
		n, first := 0, int64(math.MaxInt64)
		if from != int64(openEnded) {
			lo, _ := slices.BinarySearchFunc(kw.acked, from+1, func(w write, t int64) int { return cmp.Compare(w.ret, t) })
			hi, _ := slices.BinarySearchFunc(kw.acked, call, func(w write, t int64) int { return cmp.Compare(w.ret, t) })
			for _, w := range kw.acked[lo:max(lo, hi)] {
				if w.call <= from || (!r.Found && w.kind == event.OpDelete) {
					continue
				}
				n++
				first = min(first, w.ret)
			}
		}
		st.Reads++
		versions = append(versions, float64(n))
		lag := 0.0
		if n > 0 {
			st.Behind++
			lag = math.Round(float64(call-first)/1e3) / 1e3
		}
		behindMS = append(behindMS, lag)
	}
	st.VersionsBehind, st.MSBehind = NewPercentiles(versions), NewPercentiles(behindMS)
	return st
}
