package checker

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// workloadHistory returns n operations of a simulated workload against a linearizable
// KV store, deterministic from seed: clients closed-loop clients on keys keys, 60% gets
// (a third each default, consistent, stale), 25% puts, 10% cas (with the ModifyIndex of
// the client's last read of the key, as the workload does), 5% deletes; latencies of 1 to
// 20 ms. About 1% of writes time out (status unknown, half of them take effect anyway,
// at any time after their call) and 0.5% of reads fail. Every operation takes effect at
// a random point inside its interval, so the history is linearizable and the checker has
// to find a linearization of everything.
func workloadHistory(seed uint64, n, keys, clients int) []Op {
	rng := rand.New(rand.NewPCG(seed, 7))
	type planned struct {
		op     Op
		effect event.Time // when it takes effect; -1: never
	}
	const ms = event.Time(time.Millisecond)
	var all []*planned
	perClient := n / clients
	for c := range clients {
		client := fmt.Sprintf("c%d", c+1)
		at := event.Time(rng.IntN(5)) * ms
		for i := range perClient {
			p := &planned{op: Op{ID: fmt.Sprintf("%s-%d", client, i+1), Client: client, Via: "server-1",
				Key: fmt.Sprintf("k%d", rng.IntN(keys)), Call: at, Returned: true}}
			lat := event.Time(1+rng.IntN(20)) * ms
			p.op.Return = at + lat
			p.effect = at + event.Time(rng.Int64N(int64(lat)+1))
			switch x := rng.IntN(100); {
			case x < 60:
				p.op.Kind, p.op.Mode = event.OpGet, []string{"default", "consistent", "stale"}[rng.IntN(3)]
				if rng.IntN(200) == 0 {
					p.op.Status, p.effect = event.StatusUnknown, -1 // a failed read: dropped
				}
			case x < 85:
				p.op.Kind, p.op.Value = event.OpPut, p.op.ID
			case x < 95:
				p.op.Kind, p.op.Value = event.OpCAS, p.op.ID
			default:
				p.op.Kind = event.OpDelete
			}
			if p.op.Kind != event.OpGet && rng.IntN(100) == 0 {
				// Timed out after 100 ms; took effect (half the time) at any point after
				// its call, even after the client gave up.
				p.op.Status, p.op.Return = event.StatusUnknown, at+100*ms
				p.effect = -1
				if rng.IntN(2) == 0 {
					p.effect = at + event.Time(rng.Int64N(int64(300*ms)))
				}
			}
			all = append(all, p)
			at = p.op.Return + event.Time(rng.IntN(3))*ms
		}
	}
	// Apply the effects in time order against the store; what a read saw and whether a
	// cas matched follow from it.
	byEffect := slices.Clone(all)
	order := func(p *planned) event.Time { // never: last, to pick up the client's last read
		if p.effect < 0 {
			return event.Time(1<<63 - 1)
		}
		return p.effect
	}
	slices.SortStableFunc(byEffect, func(a, b *planned) int { return cmp.Compare(order(a), order(b)) })
	type entry struct {
		present bool
		value   string
		index   uint64
	}
	store := map[string]entry{}
	lastRead := map[[2]string]uint64{} // client, key -> ModifyIndex its last read saw
	raftIndex := uint64(10)
	for _, p := range byEffect {
		op := &p.op
		if op.Kind == event.OpCAS {
			op.CASIndex = lastRead[[2]string{op.Client, op.Key}]
		}
		if p.effect < 0 {
			continue
		}
		e := store[op.Key]
		switch op.Kind {
		case event.OpGet:
			op.Status, op.Code, op.Found = event.StatusOK, http.StatusOK, e.present
			op.Read, op.ModifyIndex = e.value, e.index
			if !e.present {
				op.Code, op.Read, op.ModifyIndex = http.StatusNotFound, "", 0
			}
			lastRead[[2]string{op.Client, op.Key}] = op.ModifyIndex
		case event.OpPut:
			raftIndex++
			store[op.Key] = entry{true, op.Value, raftIndex}
		case event.OpDelete:
			raftIndex++
			store[op.Key] = entry{}
		case event.OpCAS:
			raftIndex++
			ok := (op.CASIndex == 0 && !e.present) || (e.present && e.index == op.CASIndex)
			if ok {
				store[op.Key] = entry{true, op.Value, raftIndex}
			}
			if op.Status != event.StatusUnknown {
				op.Status, op.Code = event.StatusOK, http.StatusOK
				if !ok {
					op.Status = event.StatusFail // answered false
				}
			}
		}
		if op.Kind != event.OpGet && op.Kind != event.OpCAS && op.Status != event.StatusUnknown {
			op.Status, op.Code = event.StatusOK, http.StatusOK
		}
	}
	// A write that timed out and never took effect still needs its status.
	ops := make([]Op, len(all))
	for i, p := range all {
		ops[i] = p.op
		if ops[i].Status == "" {
			ops[i].Status = event.StatusUnknown
		}
	}
	slices.SortStableFunc(ops, func(a, b Op) int { return cmp.Compare(a.Call, b.Call) })
	return ops
}

// The generated workload is linearizable in every mode: the benchmarks measure a full
// search, not an early violation.
func TestWorkloadHistoryIsLinearizable(t *testing.T) {
	ops := workloadHistory(1, 4000, 8, 8)
	count := map[string]int{}
	for _, op := range ops {
		count[op.Kind+"/"+op.Status]++
	}
	t.Logf("%d ops: %v", len(ops), count)
	if count["cas/ok"] == 0 || count["cas/fail"] == 0 || count["put/unknown"] == 0 {
		t.Errorf("the mix lacks a kind: %v", count)
	}
	vs, err := CheckLinearizability(ops, DefaultTimeout)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"default", "consistent", "stale"} {
		v := wantVerdict(t, vs, mode, Linearizable)
		t.Logf("%s: %d reads, %d writes, %d keys in %s", mode, v.Reads, v.Writes, v.Keys, v.Elapsed)
	}
}

// BenchmarkLinearizability measures one read mode's check (all writes plus that mode's
// reads, every key) on workloads of 1k, 10k and 100k operations over 8 keys and 8
// clients. Run: go test -run x -bench Linearizability -benchtime 3x ./checker
func BenchmarkLinearizability(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		all := workloadHistory(1, n, 8, 8)
		for _, mode := range []string{"default", "consistent", "stale"} {
			ops := onlyMode(all, mode)
			b.Run(fmt.Sprintf("ops=%d/%s", n, mode), func(b *testing.B) {
				for b.Loop() {
					vs, err := CheckLinearizability(ops, 0)
					if err != nil || vs[mode].Result != Linearizable {
						b.Fatalf("%s: %v %v", mode, vs[mode].Result, err)
					}
				}
			})
		}
	}
}

// onlyMode is ops without the gets of other read modes than mode.
func onlyMode(ops []Op, mode string) []Op {
	return slices.DeleteFunc(slices.Clone(ops), func(op Op) bool { return op.Kind == event.OpGet && op.Mode != mode })
}

// BenchmarkLostWrites measures the lost-writes check on 100k operations.
func BenchmarkLostWrites(b *testing.B) {
	ops := workloadHistory(1, 100000, 8, 8)
	for b.Loop() {
		CheckLostWrites(ops)
	}
}

// BenchmarkHotKey measures a hot-key history: 34,000 operations on 2 keys by 8 clients,
// every read mode (issue 10 asked that it keep deciding fast). Run: go test -run x -bench
// HotKey -benchtime 3x ./checker
func BenchmarkHotKey(b *testing.B) {
	ops := workloadHistory(3, 34000, 2, 8)
	for b.Loop() {
		vs, err := CheckLinearizability(ops, 0)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range []string{"default", "consistent", "stale"} {
			if vs[m].Result != Linearizable {
				b.Fatalf("%s: %s", m, vs[m].Result)
			}
		}
	}
}

// BenchmarkHardHistories measures the real histories of testdata that the checker used to
// leave undecided (hard_test.go), every read mode.
func BenchmarkHardHistories(b *testing.B) {
	for _, f := range []string{"crash-under-bridge.jsonl.gz", "leader-isolation-200.jsonl.gz"} {
		evs := loadHistory(b, f)
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if _, err := Linearizability(NewRun(evs), 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
