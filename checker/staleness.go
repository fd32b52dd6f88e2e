package checker

import (
	"math"

	"github.com/consim/consim/sim/event"
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

// NewStaleness measures the answered gets of mode in ops.
func NewStaleness(ops []Op, mode string) *Staleness {
	type write struct {
		call, ret int64 // ret: openEnded if not acknowledged
		kind      string
		value     string
	}
	writes := map[string][]write{} // key -> put, cas and delete that may have taken effect
	for i := range ops {
		op := &ops[i]
		if op.Kind == event.OpGet || op.Status == event.StatusFail {
			continue
		}
		ret := int64(openEnded)
		if op.Returned && op.Status == event.StatusOK {
			ret = int64(op.Return)
		}
		writes[op.Key] = append(writes[op.Key], write{int64(op.Call), ret, op.Kind, op.Value})
	}
	st := &Staleness{}
	var versions, behindMS []float64
	for i := range ops {
		r := &ops[i]
		if r.Kind != event.OpGet || r.Mode != mode || r.Status != event.StatusOK {
			continue
		}
		call, ret := int64(r.Call), int64(r.Return)
		from, known := int64(math.MinInt64), !r.Found
		for _, w := range writes[r.Key] {
			switch {
			case r.Found && w.kind != event.OpDelete && w.value == r.Read:
				from, known = w.ret, true
			case !r.Found && w.kind == event.OpDelete && w.call <= ret:
				from = max(from, w.ret)
			}
		}
		if !known {
			continue
		}
		n, first := 0, int64(math.MaxInt64)
		for _, w := range writes[r.Key] {
			if w.ret == openEnded || w.call <= from || w.ret >= call {
				continue
			}
			if !r.Found && w.kind == event.OpDelete {
				continue
			}
			n++
			first = min(first, w.ret)
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
