package session

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Validate applies Consul's defaults and refuses what Consul refuses, with its texts.
func TestValidate(t *testing.T) {
	s, err := Validate(Session{Node: "n1"})
	if err != nil || s.Behavior != BehaviorRelease {
		t.Fatalf("defaults: %+v, %v", s, err)
	}
	for _, c := range []struct {
		s    Session
		want string
	}{
		{Session{Node: "n", Behavior: "keep"}, "Invalid Behavior setting 'keep'"},
		{Session{Node: "n", TTL: "9s"}, "Invalid Session TTL '9000000000', must be between [10s=24h0m0s]"},
		{Session{Node: "n", TTL: "25h"}, "Invalid Session TTL '90000000000000', must be between [10s=24h0m0s]"},
		{Session{Node: "n", TTL: "soon"}, `Session TTL 'soon' invalid: time: invalid duration "soon"`},
	} {
		if _, err := Validate(c.s); err == nil || err.Error() != c.want {
			t.Errorf("Validate(%+v) = %v, want %q", c.s, err, c.want)
		}
	}
	for _, ok := range []string{"", "0s", "10s", "24h"} {
		if _, err := Validate(Session{Node: "n", TTL: ok}); err != nil {
			t.Errorf("TTL %q refused: %v", ok, err)
		}
	}
}

// Create, Destroy and the reads keep ID order and indexes; a snapshot restores to the
// same bytes, and a damaged one changes nothing.
func TestStoreAndSnapshot(t *testing.T) {
	s := NewStore()
	for i, id := range []string{"b", "a", "c"} {
		if err := s.Create(uint64(i+1), Session{ID: id, Node: "n" + id, TTL: "10s", LockDelay: time.Second}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Create(4, Session{ID: "a"}); err == nil {
		t.Error("a second session with one ID was created")
	}
	if got, ok := s.Destroy(5, "b"); !ok || got.ID != "b" || got.CreateIndex != 1 {
		t.Errorf("destroy: %+v %v", got, ok)
	}
	if _, ok := s.Destroy(6, "b"); ok {
		t.Error("destroyed twice")
	}
	list, idx := s.List(nil)
	if len(list) != 2 || list[0].ID != "a" || list[1].ID != "c" || idx != 5 {
		t.Errorf("list: %+v at %d", list, idx)
	}
	if l, _ := s.List(func(x *Session) bool { return x.Node == "nc" }); len(l) != 1 || l[0].TTLDuration() != 10*time.Second {
		t.Errorf("by node: %+v", l)
	}
	var buf bytes.Buffer
	s.Snapshot().WriteTo(&buf)
	r := NewStore()
	if err := r.Restore(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	r.Snapshot().WriteTo(&again)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("a restored table snapshots to other bytes")
	}
	bad := bytes.Clone(buf.Bytes())
	bad[len(bad)-6] ^= 1
	if err := r.Restore(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("a damaged snapshot: %v", err)
	}
	if l, _ := r.List(nil); len(l) != 2 {
		t.Error("a damaged snapshot changed the table")
	}
}
