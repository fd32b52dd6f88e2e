package checker

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// Anomaly is one operation that no linearization of its key could place, in plain words.
type Anomaly struct {
	Mode   string  `json:"mode"`
	Key    string  `json:"key"`
	OpID   string  `json:"op_id"`
	Client string  `json:"client"`
	Via    string  `json:"via"`
	Op     string  `json:"op"`   // "get k2 = c3-17", "cas k2 := c2-9 if c1-4: true"
	Call   float64 `json:"call"` // virtual seconds
	// Linearizable lists what the key could hold at that point of the longest partial
	// linearizations (values, or "missing"): what the operation should have seen.
	Linearizable []string `json:"linearizable"`
	// Explanation says it in one sentence: "c1 read k2 = c3-17 via server-4 (default) at
	// 12.299–12.301 s, but c2-20 was acknowledged at 12.250 s: only k2 = c2-20 was
	// linearizable there".
	Explanation string `json:"explanation"`

	at event.Time // call time, for ordering
}

// explain names the operation that blocks the longest partial linearizations porcupine
// found for one key's history hist (not linearizable), and returns it and its index in
// hist. Porcupine's search extends a linearization until the earliest return among the
// operations left can no longer be reached: that operation is the one to blame, and the
// states the partial linearizations reached are what it could have seen.
func explain(info porcupine.LinearizationInfo, hist []porcupine.Operation, ops []Op, mode string) (Anomaly, int) {
	var partials [][]int
	if all := info.PartialLinearizations(); len(all) > 0 {
		partials = all[0]
	}
	longest := 0
	for _, p := range partials {
		longest = max(longest, len(p))
	}
	var best [][]int // the longest, in a fixed order (porcupine's is a map's)
	for _, p := range partials {
		if len(p) == longest {
			best = append(best, p)
		}
	}
	if len(best) == 0 {
		best = [][]int{nil}
	}
	slices.SortFunc(best, slices.Compare)

	block := blocking(hist, best[0])
	type reached struct {
		state  searchState
		writer int // index in hist of the last operation that changed the state, -1: none
	}
	var states []reached
	for _, p := range best {
		if blocking(hist, p) != block {
			continue
		}
		r := reached{writer: -1}
		for _, id := range p {
			ok, next := searchStep(r.state, hist[id].Input.(kvInput), hist[id].Output.(kvOutput))
			if !ok {
				panic(fmt.Sprintf("checker: porcupine's partial linearization %v does not replay at %d", p, id))
			}
			if next.kv != r.state.kv {
				r.writer = id
			}
			r.state = next
		}
		if !slices.ContainsFunc(states, func(x reached) bool { return x.state.kv == r.state.kv }) {
			states = append(states, r)
		}
	}

	h := hist[block]
	in, out := h.Input.(kvInput), h.Output.(kvOutput)
	op := &ops[h.Metadata.(int)]
	a := Anomaly{Mode: mode, Key: in.Key, OpID: op.ID, Client: op.Client, Via: op.Via,
		Op: describeKVOp(in, out), Call: op.Call.Seconds(), at: op.Call}
	for _, s := range states {
		shown := s.state.kv.String()
		if s.state.kv.Value == unreadValue && s.writer >= 0 {
			// The reductions merged the values no read returned (reduce.go); the one
			// this partial linearization wrote last is the one to name.
			shown = hist[s.writer].Input.(kvInput).Shown
		}
		a.Linearizable = append(a.Linearizable, shown)
	}

	var what string
	if in.Op == event.OpGet {
		got := "nothing (missing)"
		if out.Found {
			got = out.Value
		}
		what = fmt.Sprintf("%s read %s = %s via %s (%s)", op.Client, in.Key, got, op.Via, op.Mode)
	} else {
		what = fmt.Sprintf("%s's %s via %s", op.Client, a.Op, op.Via)
	}
	why := "nothing had been written"
	if w := states[0].writer; w >= 0 {
		why = describeWriter(&ops[hist[w].Metadata.(int)], hist[w].Output.(kvOutput))
	}
	a.Explanation = fmt.Sprintf("%s at %s, but %s: only %s = %s was linearizable there",
		what, opTimes(op), why, in.Key, strings.Join(a.Linearizable, " or "))
	return a, block
}

// blocking is the operation of hist, not in the partial linearization p, that returns
// first (ties: called first, then first in hist).
func blocking(hist []porcupine.Operation, p []int) int {
	in := make([]bool, len(hist))
	for _, id := range p {
		in[id] = true
	}
	block := -1
	for i := range hist {
		if in[i] {
			continue
		}
		if block < 0 || cmp.Or(cmp.Compare(hist[i].Return, hist[block].Return), cmp.Compare(hist[i].Call, hist[block].Call)) < 0 {
			block = i
		}
	}
	return block
}

// describeWriter says how w, the last write in a partial linearization, got there.
func describeWriter(w *Op, out kvOutput) string {
	if out.Unknown {
		return fmt.Sprintf("%s (a %s called at %.3f s, outcome unknown) had taken effect", w.ID, w.Kind, w.Call.Seconds())
	}
	if w.Kind == event.OpDelete {
		return fmt.Sprintf("%s deleted %s, acknowledged at %.3f s", w.ID, w.Key, w.Return.Seconds())
	}
	return fmt.Sprintf("%s was acknowledged at %.3f s", w.ID, w.Return.Seconds())
}

// opTimes is an operation's interval: "12.299–12.301 s", or "12.299 s (no answer)".
func opTimes(op *Op) string {
	if !op.Returned || op.Status == event.StatusUnknown {
		return fmt.Sprintf("%.3f s (no answer)", op.Call.Seconds())
	}
	return fmt.Sprintf("%.3f–%.3f s", op.Call.Seconds(), op.Return.Seconds())
}
