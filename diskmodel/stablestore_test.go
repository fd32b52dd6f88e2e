package diskmodel

import (
	"errors"
	"testing"

	"github.com/hashicorp/raft"
)

func TestStableStoreMissingKeys(t *testing.T) {
	d := New(Config{})
	s := d.StableStore()
	// raft tells "no such key" from a failure by this exact text.
	if _, err := s.Get([]byte("LastVoteCand")); err == nil || err.Error() != "not found" || !errors.Is(err, ErrKeyNotFound) {
		t.Errorf("Get of a missing key: %v, want \"not found\"", err)
	}
	if v, err := s.GetUint64([]byte("CurrentTerm")); v != 0 || err == nil || err.Error() != "not found" {
		t.Errorf("GetUint64 of a missing key: %d, %v; want 0, \"not found\"", v, err)
	}
	has, err := raft.HasExistingState(d.LogStore(), s, d.SnapshotStore())
	if err != nil || has {
		t.Errorf("HasExistingState on a fresh disk = %v, %v; want false, nil", has, err)
	}
	mustNil(t, "SetUint64", s.SetUint64([]byte("CurrentTerm"), 1))
	if has, err := raft.HasExistingState(d.LogStore(), s, d.SnapshotStore()); err != nil || !has {
		t.Errorf("HasExistingState after a term = %v, %v; want true, nil", has, err)
	}
}

func TestStableStoreValues(t *testing.T) {
	s := New(Config{}).StableStore()
	val := []byte("node-2")
	mustNil(t, "Set", s.Set([]byte("LastVoteCand"), val))
	val[0] = 'X'
	got, err := s.Get([]byte("LastVoteCand"))
	if err != nil || string(got) != "node-2" {
		t.Fatalf("Get = %q, %v; want node-2 (the store must copy)", got, err)
	}
	got[0] = 'Y'
	if again, _ := s.Get([]byte("LastVoteCand")); string(again) != "node-2" {
		t.Errorf("a reader's change reached the store: %q", again)
	}

	mustNil(t, "Set empty", s.Set([]byte("empty"), nil))
	if v, err := s.Get([]byte("empty")); err != nil || v == nil || len(v) != 0 {
		t.Errorf("Get of a key set to nothing = %q, %v; want an empty value", v, err)
	}

	mustNil(t, "SetUint64", s.SetUint64([]byte("CurrentTerm"), 1<<40+3))
	if v, err := s.GetUint64([]byte("CurrentTerm")); err != nil || v != 1<<40+3 {
		t.Errorf("GetUint64 = %d, %v", v, err)
	}
	// One key space, as in raft-boltdb: a uint64 is its 8 big-endian bytes.
	if b, err := s.Get([]byte("CurrentTerm")); err != nil || len(b) != 8 || b[2] != 1 || b[7] != 3 {
		t.Errorf("Get of a uint64 key = %v, %v", b, err)
	}
	if _, err := s.GetUint64([]byte("LastVoteCand")); err == nil || errors.Is(err, ErrKeyNotFound) {
		t.Errorf("GetUint64 of a 6-byte value: %v, want a decoding error", err)
	}
}
