package kv

import (
	"fmt"
	"slices"
	"testing"
)

// TestWatchFires registers watches on a fixed set of prefixes over a fixed store, applies
// one write, and checks exactly which watches closed.
func TestWatchFires(t *testing.T) {
	prefixes := []string{"", "a", "a/", "a/b", "a/b/c", "a/bc", "b", "b/", "c/x"}
	base := []Request{set("a/b", "1"), set("a/bc", "2"), set("b/x", "3")}
	tests := []struct {
		name  string
		op    Request
		fired []string
	}{
		{"set fires the key and every prefix of it", set("a/b", "new"),
			[]string{"", "a", "a/", "a/b"}},
		{"set of a new key", set("a/b/c/d", "x"),
			[]string{"", "a", "a/", "a/b", "a/b/c"}},
		{"set of an unrelated key fires only the root", set("d", "x"),
			[]string{""}},
		{"unchanged set fires nothing", set("a/b", "1"),
			nil},
		{"successful cas", Request{Op: OpCAS, Key: "a/bc", Value: []byte("x"), Index: 2},
			[]string{"", "a", "a/", "a/b", "a/bc"}},
		{"failed cas fires nothing", Request{Op: OpCAS, Key: "a/bc", Value: []byte("x"), Index: 1},
			nil},
		{"failed create-only cas fires nothing", Request{Op: OpCAS, Key: "a/b", Value: []byte("x")},
			nil},
		{"delete", Request{Op: OpDelete, Key: "b/x"},
			[]string{"", "b", "b/"}},
		{"delete of an absent key fires nothing", Request{Op: OpDelete, Key: "a/b/c"},
			nil},
		{"delete-cas", Request{Op: OpDeleteCAS, Key: "a/b", Index: 1},
			[]string{"", "a", "a/", "a/b"}},
		{"failed delete-cas fires nothing", Request{Op: OpDeleteCAS, Key: "a/b", Index: 2},
			nil},
		{"delete-tree fires prefixes above and watches under it", Request{Op: OpDeleteTree, Key: "a/"},
			[]string{"", "a", "a/", "a/b", "a/b/c", "a/bc"}},
		{"delete-tree with a key-like prefix", Request{Op: OpDeleteTree, Key: "a/b"},
			[]string{"", "a", "a/", "a/b", "a/b/c", "a/bc"}},
		{"delete-tree of one key's subtree", Request{Op: OpDeleteTree, Key: "a/bc"},
			[]string{"", "a", "a/", "a/b", "a/bc"}},
		{"delete-tree of everything fires all", Request{Op: OpDeleteTree},
			prefixes},
		{"delete-tree of an empty subtree fires nothing", Request{Op: OpDeleteTree, Key: "c/"},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore()
			applyAll(t, s, 1, base...)
			chans := map[string]<-chan struct{}{}
			for _, p := range prefixes {
				chans[p] = s.Watch(p)
			}
			if _, err := s.Apply(10, tt.op); err != nil {
				t.Fatal(err)
			}
			var fired []string
			for _, p := range prefixes {
				if closed(chans[p]) {
					fired = append(fired, p)
				}
			}
			if !slices.Equal(fired, tt.fired) {
				t.Errorf("fired %q, want %q", fired, tt.fired)
			}
			// Fired watches are forgotten; the others stay registered.
			if got, want := len(s.watches.byPrefix), len(prefixes)-len(tt.fired); got != want {
				t.Errorf("%d watches registered after the write, want %d", got, want)
			}
		})
	}
}

func TestWatchIgnoresEarlierWrites(t *testing.T) {
	s := NewStore()
	s.Set(1, "a", []byte("1"), 0)
	ch := s.Watch("a")
	if closed(ch) {
		t.Fatal("watch closed by a write made before it")
	}
	s.Set(2, "a", []byte("2"), 0)
	if !closed(ch) {
		t.Fatal("watch not closed by the next write")
	}
	// After firing, a new Watch waits for the following write.
	ch2 := s.Watch("a")
	if closed(ch2) {
		t.Fatal("new watch already closed")
	}
	s.Set(3, "a", []byte("3"), 0)
	if !closed(ch2) {
		t.Fatal("new watch not closed")
	}
}

func TestWatchShared(t *testing.T) {
	s := NewStore()
	if s.Watch("a") != s.Watch("a") {
		t.Error("two watches of one prefix got different channels")
	}
	if len(s.watches.byPrefix) != 1 {
		t.Errorf("%d watches registered, want 1", len(s.watches.byPrefix))
	}
}

// TestWatchBounded checks that dropped, never-fired watches cannot grow the registry
// past its bound, and that overflowing it wakes the waiters rather than losing them.
func TestWatchBounded(t *testing.T) {
	s := NewStore()
	first := s.Watch("p/0")
	for i := 1; i < 10*maxWatchPrefixes; i++ {
		s.Watch(fmt.Sprintf("p/%d", i))
		if n := len(s.watches.byPrefix); n > maxWatchPrefixes {
			t.Fatalf("%d watches registered, bound is %d", n, maxWatchPrefixes)
		}
	}
	if !closed(first) {
		t.Error("overflow did not wake the oldest watcher")
	}
}

func TestRestoreFiresAllWatches(t *testing.T) {
	s := NewStore()
	a, b := s.Watch("a"), s.Watch("zzz")
	s.restore(0, nil)
	if !closed(a) || !closed(b) {
		t.Error("restore did not fire every watch")
	}
	if len(s.watches.byPrefix) != 0 {
		t.Error("restore left watches registered")
	}
}
