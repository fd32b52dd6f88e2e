package checker

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// simulatedHistory returns n operations on one key by 3 closed-loop clients (a third of
// them puts, the rest reads of mode) against a linearizable store: each takes effect at
// a random point inside its interval. With staleEvery > 0, every staleEvery-th read that
// can returns the value before the current one instead.
func simulatedHistory(n int, mode string, staleEvery int) []Op {
	rng := rand.New(rand.NewPCG(1, 2))
	type pending struct {
		op    Op
		point event.Time
	}
	var all []pending
	for c := range 3 {
		at := event.Time(0)
		for i := range n / 3 {
			lat := event.Time(1+rng.IntN(10)) * event.Time(time.Millisecond)
			op := Op{ID: fmt.Sprintf("c%d-%d", c+1, i+1), Client: fmt.Sprintf("c%d", c+1), Key: "k1",
				Via: "server-1", Call: at, Return: at + lat, Returned: true, Status: event.StatusOK, Kind: event.OpGet, Mode: mode}
			if rng.IntN(3) == 0 {
				op.Kind, op.Mode, op.Value = event.OpPut, "", op.ID
			}
			all = append(all, pending{op, at + event.Time(rng.Int64N(int64(lat)+1))})
			at += lat + event.Time(rng.IntN(3))*event.Time(time.Millisecond)
		}
	}
	slices.SortStableFunc(all, func(a, b pending) int { return int(a.point - b.point) })
	var cur, prev string
	reads := 0
	for i := range all {
		op := &all[i].op
		if op.Kind == event.OpPut {
			prev, cur = cur, op.Value
			continue
		}
		reads++
		op.Found, op.Read = cur != "", cur
		if staleEvery > 0 && reads%staleEvery == 0 && prev != "" {
			op.Read = prev
		}
	}
	ops := make([]Op, len(all))
	for i, p := range all {
		ops[i] = p.op
	}
	slices.SortStableFunc(ops, func(a, b Op) int { return int(a.Call - b.Call) })
	return ops
}

// Thousands of operations on one key check in a fraction of the default timeout, and so
// does explaining a history with many stale reads.
func TestCheckerScalesToThousandsOfOpsPerKey(t *testing.T) {
	ops := simulatedHistory(6000, "default", 0)
	vs, _ := CheckLinearizability(ops, DefaultTimeout)
	v := vs["default"]
	t.Logf("%d ops on one key: %s in %s", v.Reads+v.Writes, v.Result, v.Elapsed)
	if v.Result != Linearizable || v.Reads+v.Writes != 6000 {
		t.Errorf("a simulated linearizable store: %s over %d ops", v.Result, v.Reads+v.Writes)
	}
	if v.Elapsed > DefaultTimeout/10 {
		t.Errorf("checking took %s", v.Elapsed)
	}

	// About 60 stale reads: the explaining stops at the bound (or, on a slow machine
	// such as under the race detector, at the timeout), and says there may be more.
	vs, _ = CheckLinearizability(simulatedHistory(3000, "stale", 25), DefaultTimeout)
	bad := vs["stale"]
	t.Logf("with stale reads: %s, %d anomalies (at least: %t) in %s", bad.Result, bad.AnomalyCount, bad.AnomaliesAtLeast, bad.Elapsed)
	if bad.Result != NotLinearizable || bad.AnomalyCount < 1 || bad.AnomalyCount > maxAnomaliesPerKey || !bad.AnomaliesAtLeast {
		t.Errorf("%s with %d anomalies (at least %t), want not-linearizable with at most the bound of %d and more left",
			bad.Result, bad.AnomalyCount, bad.AnomaliesAtLeast, maxAnomaliesPerKey)
	}
	if bad.Elapsed > DefaultTimeout+time.Second {
		t.Errorf("explaining took %s, past the timeout of %s", bad.Elapsed, DefaultTimeout)
	}
}
