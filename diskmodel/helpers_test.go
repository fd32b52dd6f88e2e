package diskmodel

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// entry returns a command log at index with recognisable data.
func entry(index uint64) *raft.Log {
	return &raft.Log{Index: index, Term: 1, Type: raft.LogCommand, Data: fmt.Appendf(nil, "entry-%d", index)}
}

// entries returns command logs for indexes from..to inclusive.
func entries(from, to uint64) []*raft.Log {
	var ls []*raft.Log
	for i := from; i <= to; i++ {
		ls = append(ls, entry(i))
	}
	return ls
}

// timed runs f and returns how much (virtual) time it took.
func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// indexes returns the indexes the store holds between its first and last index, in order.
func indexes(t *testing.T, s raft.LogStore) []uint64 {
	t.Helper()
	first, err := s.FirstIndex()
	if err != nil {
		t.Fatalf("FirstIndex: %v", err)
	}
	last, err := s.LastIndex()
	if err != nil {
		t.Fatalf("LastIndex: %v", err)
	}
	var got []uint64
	for i := first; i <= last && last > 0; i++ {
		var l raft.Log
		switch err := s.GetLog(i, &l); {
		case err == nil:
			if l.Index != i {
				t.Fatalf("GetLog(%d) returned index %d", i, l.Index)
			}
			got = append(got, i)
		case !errors.Is(err, raft.ErrLogNotFound):
			t.Fatalf("GetLog(%d): %v", i, err)
		}
	}
	return got
}

func mustNil(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustCrashed(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, ErrCrashed) {
		t.Fatalf("%s after crash: got %v, want ErrCrashed", what, err)
	}
}

// checkInvariants verifies the Disk's internal state: logs strictly increasing by index in
// both states, and the live state equal to the durable one when nothing is queued.
func checkInvariants(t *testing.T, d *Disk) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, s := range map[string]*state{"live": d.live, "durable": d.durable} {
		for i := 1; i < len(s.logs); i++ {
			if s.logs[i-1].Index >= s.logs[i].Index {
				t.Fatalf("%s logs out of order at position %d: %d then %d", name, i, s.logs[i-1].Index, s.logs[i].Index)
			}
		}
	}
	if len(d.queue) == 0 {
		if !slices.Equal(d.live.logs, d.durable.logs) || len(d.live.kv) != len(d.durable.kv) ||
			!slices.Equal(d.live.snaps, d.durable.snaps) {
			t.Fatalf("live and durable state differ with nothing queued")
		}
	}
}
