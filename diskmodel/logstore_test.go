package diskmodel

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/hashicorp/raft"
)

func TestLogStoreEmpty(t *testing.T) {
	s := New(Config{}).LogStore()
	if got := indexes(t, s); len(got) != 0 {
		t.Errorf("empty store holds %v", got)
	}
	var l raft.Log
	if err := s.GetLog(1, &l); err != raft.ErrLogNotFound {
		t.Errorf("GetLog on empty store: %v, want raft.ErrLogNotFound", err)
	}
}

func TestLogStoreCopiesLogs(t *testing.T) {
	s := New(Config{}).LogStore()
	in := &raft.Log{Index: 1, Term: 2, Type: raft.LogCommand, Data: []byte("abc"), Extensions: []byte("x")}
	mustNil(t, "StoreLog", s.StoreLog(in))
	in.Data[0], in.Extensions[0] = 'Z', 'Z' // raft reuses its buffers

	var out raft.Log
	mustNil(t, "GetLog", s.GetLog(1, &out))
	if string(out.Data) != "abc" || string(out.Extensions) != "x" || out.Term != 2 || out.Type != raft.LogCommand {
		t.Fatalf("stored log changed with the caller's buffer: %+v", out)
	}
	out.Data[0] = 'Y' // neither may a reader's changes reach the store
	var again raft.Log
	mustNil(t, "GetLog", s.GetLog(1, &again))
	if string(again.Data) != "abc" {
		t.Errorf("stored log changed with a reader's buffer: %q", again.Data)
	}
}

func TestLogStoreIndexes(t *testing.T) {
	cases := []struct {
		name string
		ops  func(s raft.LogStore) error
		want []uint64
	}{
		{"append", func(s raft.LogStore) error { return s.StoreLogs(entries(1, 5)) }, []uint64{1, 2, 3, 4, 5}},
		{"compact prefix", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(1, 10)), s.DeleteRange(1, 7))
		}, []uint64{8, 9, 10}},
		{"truncate suffix", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(1, 10)), s.DeleteRange(4, 10))
		}, []uint64{1, 2, 3}},
		{"delete everything", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(1, 10)), s.DeleteRange(0, math.MaxUint64))
		}, nil},
		{"delete beyond both ends", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(5, 10)), s.DeleteRange(1, 6), s.DeleteRange(9, 100))
		}, []uint64{7, 8}},
		{"delete a hole", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(1, 6)), s.DeleteRange(3, 4))
		}, []uint64{1, 2, 5, 6}},
		{"empty range", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(1, 3)), s.DeleteRange(3, 2))
		}, []uint64{1, 2, 3}},
		{"gap after a snapshot restore", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(1, 3)), s.StoreLogs(entries(100, 101)))
		}, []uint64{1, 2, 3, 100, 101}},
		{"fill a hole out of order", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(5, 6)), s.StoreLog(entry(2)), s.StoreLogs(entries(3, 4)))
		}, []uint64{2, 3, 4, 5, 6}},
		{"truncate then append (conflict)", func(s raft.LogStore) error {
			return errors.Join(s.StoreLogs(entries(1, 5)), s.DeleteRange(3, 5), s.StoreLogs(entries(3, 4)))
		}, []uint64{1, 2, 3, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := New(Config{})
			s := d.LogStore()
			mustNil(t, "ops", c.ops(s))
			checkInvariants(t, d)
			if got := indexes(t, s); !slices.Equal(got, c.want) {
				t.Errorf("holds %v, want %v", got, c.want)
			}
			first, _ := s.FirstIndex()
			last, _ := s.LastIndex()
			wantFirst, wantLast := uint64(0), uint64(0)
			if len(c.want) > 0 {
				wantFirst, wantLast = c.want[0], c.want[len(c.want)-1]
			}
			if first != wantFirst || last != wantLast {
				t.Errorf("FirstIndex, LastIndex = %d, %d; want %d, %d", first, last, wantFirst, wantLast)
			}
		})
	}
}

func TestLogStoreOverwrite(t *testing.T) {
	d := New(Config{})
	s := d.LogStore()
	mustNil(t, "StoreLogs", s.StoreLogs(entries(1, 3)))
	mustNil(t, "StoreLog", s.StoreLog(&raft.Log{Index: 2, Term: 9, Data: []byte("new")}))
	checkInvariants(t, d)
	var l raft.Log
	mustNil(t, "GetLog", s.GetLog(2, &l))
	if l.Term != 9 || string(l.Data) != "new" {
		t.Errorf("overwritten log reads %+v", l)
	}
	if got := indexes(t, s); !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Errorf("holds %v", got)
	}
}
