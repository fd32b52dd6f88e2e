package kv

import (
	"fmt"
	"testing"

	"github.com/hashicorp/raft"
)

// BenchmarkApply measures FSM.Apply (decode + apply) of encoded writes on a store that
// already holds keys keys, cycling through them, with a watch on each key re-registered
// as it fires so the cost of firing is included.
func BenchmarkApply(b *testing.B) {
	for _, keys := range []int{100, 10_000} {
		for _, op := range []string{"set", "cas", "delete+set"} {
			b.Run(fmt.Sprintf("%s/keys=%d", op, keys), func(b *testing.B) {
				f := NewFSM()
				names := make([]string, keys)
				index := uint64(0)
				for i := range names {
					names[i] = fmt.Sprintf("service/%05d/config", i)
					index++
					f.Store().Set(index, names[i], []byte("initial"), 0)
				}
				value := make([]byte, 128)
				log := &raft.Log{Type: raft.LogCommand}
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					key := names[i%keys]
					f.Store().Watch(key)
					var r Request
					switch op {
					case "set":
						value[0] = byte(i)
						r = Request{Op: OpSet, Key: key, Value: value}
					case "cas":
						e, _ := f.Store().Get(key)
						value[0] = byte(i)
						r = Request{Op: OpCAS, Key: key, Value: value, Index: e.ModifyIndex}
					case "delete+set":
						if i%2 == 0 {
							r = Request{Op: OpDelete, Key: key}
						} else {
							r = Request{Op: OpSet, Key: names[(i-1)%keys], Value: value}
						}
					}
					index++
					log.Index, log.Data = index, Encode(r)
					if res := f.Apply(log).(ApplyResult); res.Err != nil || !res.OK {
						b.Fatalf("apply %v: %+v", r, res)
					}
				}
			})
		}
	}
}
