package kv

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// describe renders a store canonically: its index, then each entry in key order as
// key=value(create,modify) with "/fN" when flags are set and "=nil" for a nil value.
func describe(s *Store) string {
	var b strings.Builder
	fmt.Fprintf(&b, "index=%d", s.Index())
	es, _ := s.List("")
	for _, e := range es {
		v := "nil"
		if e.Value != nil {
			v = string(e.Value)
		}
		fmt.Fprintf(&b, " %s=%s(%d,%d)", e.Key, v, e.CreateIndex, e.ModifyIndex)
		if e.Flags != 0 {
			fmt.Fprintf(&b, "/f%d", e.Flags)
		}
	}
	return b.String()
}

// applyAll applies requests at indexes from, from+1, ... and fails on an error.
func applyAll(t testing.TB, s *Store, from uint64, reqs ...Request) {
	t.Helper()
	for i, r := range reqs {
		if _, err := s.Apply(from+uint64(i), r); err != nil {
			t.Fatalf("apply %v: %v", r, err)
		}
	}
}

func set(key, value string) Request {
	return Request{Op: OpSet, Key: key, Value: []byte(value)}
}

// closed reports whether ch is closed, without blocking.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// memSink is a raft.SnapshotSink over memory.
type memSink struct {
	bytes.Buffer
	cancelled, closed bool
}

func (m *memSink) ID() string    { return "mem" }
func (m *memSink) Cancel() error { m.cancelled = true; return nil }
func (m *memSink) Close() error  { m.closed = true; return nil }
