package diskmodel

import (
	"fmt"
	"testing"

	"github.com/hashicorp/raft"
)

// BenchmarkStoreLogs measures the CPU cost of the store itself (latency zero: virtual fsync
// time is free in wall time anyway), with raft-like compaction keeping a bounded window.
func BenchmarkStoreLogs(b *testing.B) {
	const window = 10240 // raft's default TrailingLogs
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := New(Config{}).LogStore()
			data := make([]byte, 128)
			logs := make([]*raft.Log, batch)
			for i := range logs {
				logs[i] = &raft.Log{Term: 1, Type: raft.LogCommand, Data: data}
			}
			next := uint64(1)
			b.SetBytes(int64(batch * len(data)))
			b.ReportAllocs()
			for b.Loop() {
				for _, l := range logs {
					l.Index = next
					next++
				}
				if err := s.StoreLogs(logs); err != nil {
					b.Fatal(err)
				}
				if first, _ := s.FirstIndex(); next-first > 2*window {
					if err := s.DeleteRange(first, next-1-window); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkGetLog measures a read of one stored entry, copied out.
func BenchmarkGetLog(b *testing.B) {
	s := New(Config{}).LogStore()
	const n = 4096
	for i := uint64(1); i <= n; i++ {
		if err := s.StoreLog(&raft.Log{Index: i, Term: 1, Data: make([]byte, 128)}); err != nil {
			b.Fatal(err)
		}
	}
	var l raft.Log
	i := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.GetLog(i%n+1, &l); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
