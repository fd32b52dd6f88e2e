package kv

import (
	"fmt"
	"reflect"
	"testing"
)

// lockState renders a key's value, lock holder and LockIndex.
func lockState(s *Store, key string) string {
	e, _ := s.Get(key)
	if e == nil {
		return "absent"
	}
	return fmt.Sprintf("%s session=%q lock=%d (%d,%d)", e.Value, e.Session, e.LockIndex, e.CreateIndex, e.ModifyIndex)
}

// Acquire, re-acquire, contention, release and re-acquire move LockIndex and the holder
// as Consul's kvsLockTxn and kvsUnlockTxn do; a plain set keeps the lock.
func TestLockUnlock(t *testing.T) {
	s := NewStore()
	steps := []struct {
		r    Request
		ok   bool
		want string
	}{
		{Request{Op: OpLock, Key: "l", Value: []byte("a"), Session: "s1"}, true, `a session="s1" lock=1 (1,1)`},
		{Request{Op: OpLock, Key: "l", Value: []byte("b"), Session: "s1"}, true, `b session="s1" lock=1 (1,2)`},
		{Request{Op: OpLock, Key: "l", Value: []byte("c"), Session: "s2"}, false, `b session="s1" lock=1 (1,2)`},
		{Request{Op: OpUnlock, Key: "l", Value: []byte("d"), Session: "s2"}, false, `b session="s1" lock=1 (1,2)`},
		{Request{Op: OpSet, Key: "l", Value: []byte("e")}, true, `e session="s1" lock=1 (1,5)`},
		{Request{Op: OpUnlock, Key: "l", Value: []byte("f"), Session: "s1"}, true, `f session="" lock=1 (1,6)`},
		{Request{Op: OpLock, Key: "l", Value: []byte("g"), Session: "s2"}, true, `g session="s2" lock=2 (1,7)`},
		{Request{Op: OpUnlock, Key: "none", Session: "s2"}, false, `g session="s2" lock=2 (1,7)`},
	}
	for i, st := range steps {
		ok, err := s.Apply(uint64(i+1), st.r)
		if err != nil || ok != st.ok {
			t.Fatalf("step %d %+v: ok=%v err=%v, want ok=%v", i, st.r, ok, err, st.ok)
		}
		if got := lockState(s, "l"); got != st.want {
			t.Fatalf("step %d %+v: %s, want %s", i, st.r, got, st.want)
		}
	}
}

// Invalidating a session releases (or deletes) exactly the keys it holds.
func TestReleaseSession(t *testing.T) {
	for _, del := range []bool{false, true} {
		s := NewStore()
		applyAll(t, s, 1,
			Request{Op: OpLock, Key: "a", Value: []byte("1"), Session: "s1"},
			Request{Op: OpLock, Key: "b", Value: []byte("2"), Session: "s2"},
			Request{Op: OpLock, Key: "c", Value: []byte("3"), Session: "s1"})
		if keys := s.ReleaseSession(9, "s1", del); !reflect.DeepEqual(keys, []string{"a", "c"}) {
			t.Fatalf("del=%v: released %v", del, keys)
		}
		want := `1 session="" lock=1 (1,9)`
		if del {
			want = "absent"
		}
		if got := lockState(s, "a"); got != want {
			t.Errorf("del=%v: a is %s, want %s", del, got, want)
		}
		if got := lockState(s, "b"); got != `2 session="s2" lock=1 (2,2)` {
			t.Errorf("del=%v: another session's key changed: %s", del, got)
		}
	}
}

// Lock and unlock carry their session through the log encoding.
func TestEncodeLockRoundTrip(t *testing.T) {
	for _, r := range []Request{
		{Op: OpLock, Key: "k", Value: []byte("v"), Flags: 3, Session: "abc"},
		{Op: OpUnlock, Key: "k", Session: "abc"},
	} {
		got, err := Decode(Encode(r))
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("round trip of %+v: %+v, %v", r, got, err)
		}
	}
}
