package kv

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestWrites applies one operation at index 10 to a store built by setup (applied from
// index 1) and checks its answer and the state after it.
func TestWrites(t *testing.T) {
	base := []Request{set("a", "1"), set("a/b", "2"), set("a/c", "3"), set("b", "4")}
	// base leaves: a(1,1) a/b(2,2) a/c(3,3) b(4,4), index 4.
	tests := []struct {
		name  string
		setup []Request
		op    Request
		ok    bool
		after string
	}{
		{"set creates", nil, set("k", "v"), true,
			"index=10 k=v(10,10)"},
		{"set updates, keeps CreateIndex", base, Request{Op: OpSet, Key: "a", Value: []byte("x"), Flags: 7}, true,
			"index=10 a=x(1,10)/f7 a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"set of flags alone is a change", base, Request{Op: OpSet, Key: "a", Value: []byte("1"), Flags: 1}, true,
			"index=10 a=1(1,10)/f1 a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"unchanged set is a no-op (Consul)", base, set("a", "1"), true,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"empty value is stored as nil", nil, set("k", ""), true,
			"index=10 k=nil(10,10)"},
		{"cas 0 creates an absent key", nil, Request{Op: OpCAS, Key: "k", Value: []byte("v")}, true,
			"index=10 k=v(10,10)"},
		{"cas 0 refuses a present key", base, Request{Op: OpCAS, Key: "a", Value: []byte("x")}, false,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"cas matching ModifyIndex writes", base, Request{Op: OpCAS, Key: "a/b", Value: []byte("x"), Index: 2}, true,
			"index=10 a=1(1,1) a/b=x(2,10) a/c=3(3,3) b=4(4,4)"},
		{"cas mismatch refuses", base, Request{Op: OpCAS, Key: "a/b", Value: []byte("x"), Index: 3}, false,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"cas on an absent key with an index refuses", base, Request{Op: OpCAS, Key: "z", Value: []byte("x"), Index: 4}, false,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"delete removes one key only", base, Request{Op: OpDelete, Key: "a"}, true,
			"index=10 a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"delete of an absent key is a no-op", base, Request{Op: OpDelete, Key: "zz"}, true,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"delete-cas matching deletes", base, Request{Op: OpDeleteCAS, Key: "a/c", Index: 3}, true,
			"index=10 a=1(1,1) a/b=2(2,2) b=4(4,4)"},
		{"delete-cas mismatch refuses", base, Request{Op: OpDeleteCAS, Key: "a/c", Index: 2}, false,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"delete-cas 0 never deletes a present key", base, Request{Op: OpDeleteCAS, Key: "a/c"}, false,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"delete-cas on an absent key answers true (Consul)", base, Request{Op: OpDeleteCAS, Key: "zz", Index: 9}, true,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
		{"delete-tree removes the subtree", base, Request{Op: OpDeleteTree, Key: "a/"}, true,
			"index=10 a=1(1,1) b=4(4,4)"},
		{"delete-tree prefix is a string prefix, not a path", base, Request{Op: OpDeleteTree, Key: "a"}, true,
			"index=10 b=4(4,4)"},
		{"delete-tree of everything", base, Request{Op: OpDeleteTree}, true,
			"index=10"},
		{"delete-tree of an empty subtree is a no-op", base, Request{Op: OpDeleteTree, Key: "c"}, true,
			"index=4 a=1(1,1) a/b=2(2,2) a/c=3(3,3) b=4(4,4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore()
			applyAll(t, s, 1, tt.setup...)
			ok, err := s.Apply(10, tt.op)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Errorf("answer = %v, want %v", ok, tt.ok)
			}
			if got := describe(s); got != tt.after {
				t.Errorf("after:\n got %s\nwant %s", got, tt.after)
			}
		})
	}
}

func TestApplyUnknownOp(t *testing.T) {
	s := NewStore()
	if _, err := s.Apply(1, Request{Op: "lock-tree", Key: "a"}); err == nil {
		t.Fatal("unknown op applied")
	}
	if got := describe(s); got != "index=0" {
		t.Errorf("store changed: %s", got)
	}
}

// TestReadIndexes checks the index each read reports, as Consul's X-Consul-Index.
func TestReadIndexes(t *testing.T) {
	s := NewStore()
	if _, i := s.Get("a"); i != 1 {
		t.Errorf("empty store: Get index = %d, want 1", i)
	}
	if _, i := s.List(""); i != 1 {
		t.Errorf("empty store: List index = %d, want 1", i)
	}
	if _, i := s.Keys("", "/"); i != 1 {
		t.Errorf("empty store: Keys index = %d, want 1", i)
	}
	if i := s.Index(); i != 0 {
		t.Errorf("empty store: Index = %d, want 0", i)
	}
	applyAll(t, s, 5, set("a", "1"), set("b", "2")) // a@5 b@6
	if e, i := s.Get("a"); e == nil || i != 5 {
		t.Errorf("present key: Get = %v, %d; want a's ModifyIndex 5", e, i)
	}
	if e, i := s.Get("zz"); e != nil || i != 6 {
		t.Errorf("absent key: Get = %v, %d; want nil, store index 6", e, i)
	}
	if _, i := s.List("a"); i != 6 {
		t.Errorf("List index = %d, want store index 6", i)
	}
	// A delete moves the index (Consul's tombstones), and so a Get of the deleted key
	// reports a later index than it did while it existed.
	s.Delete(7, "a")
	if e, i := s.Get("a"); e != nil || i != 7 {
		t.Errorf("deleted key: Get = %v, %d; want nil, 7", e, i)
	}
	// No-ops do not.
	s.Delete(8, "a")
	s.CAS(9, "b", nil, 0, 1)
	s.DeleteTree(10, "nothing/")
	s.Set(11, "b", []byte("2"), 0)
	if i := s.Index(); i != 7 {
		t.Errorf("after no-ops: Index = %d, want 7", i)
	}
	s.DeleteTree(12, "")
	if i := s.Index(); i != 12 {
		t.Errorf("after delete-tree: Index = %d, want 12", i)
	}
	if _, i := s.Keys("", ""); i != 12 {
		t.Errorf("emptied store: Keys index = %d, want 12", i)
	}
}

func TestIndexMustNotDecrease(t *testing.T) {
	for _, idx := range []uint64{0, 4} {
		t.Run(fmt.Sprint(idx), func(t *testing.T) {
			s := NewStore()
			s.Set(5, "a", nil, 0)
			defer func() {
				if recover() == nil {
					t.Errorf("write at index %d after 5 did not panic", idx)
				}
			}()
			s.Set(idx, "b", nil, 0)
		})
	}
}

func TestList(t *testing.T) {
	s := NewStore()
	applyAll(t, s, 1, set("b", "2"), set("a/x", "1"), set("a", "0"), set("a-", "3"), set("c", "4"))
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a", "a-", "a/x", "b", "c"}},
		{"a", []string{"a", "a-", "a/x"}},
		{"a/", []string{"a/x"}},
		{"a/x", []string{"a/x"}},
		{"a/x/", nil},
		{"d", nil},
	}
	for _, tt := range tests {
		es, _ := s.List(tt.prefix)
		var got []string
		for _, e := range es {
			got = append(got, e.Key)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
}

// TestKeys ports the examples of Consul's documentation: the HTTP API's "Listing /web/
// with a / separator" (without the leading "/" its example keys have, which consim
// refuses) and the CLI's `consul kv get -keys`, whose separator defaults to "/".
func TestKeys(t *testing.T) {
	s := NewStore()
	applyAll(t, s, 1,
		set("web/bar", ""), set("web/foo", ""), set("web/subdir/a", ""), set("web/subdir/b/c", ""),
		set("redis/config/connections", "5"), set("redis/config/cpu", "128"),
		set("redis/config/memory", "512MB"), set("foo", "bar"),
		set("a.b.c", ""), set("a.b.d", ""), set("a.e", ""),
	)
	tests := []struct {
		prefix, sep string
		want        []string
	}{
		// HTTP API docs: GET /v1/kv/web/?keys&separator=/
		{"web/", "/", []string{"web/bar", "web/foo", "web/subdir/"}},
		// consul kv get -keys redis/config/
		{"redis/config/", "/", []string{"redis/config/connections", "redis/config/cpu", "redis/config/memory"}},
		// consul kv get -keys (the root, separator "/")
		{"", "/", []string{"a.b.c", "a.b.d", "a.e", "foo", "redis/", "web/"}},
		// consul kv get -keys -separator="" : every key
		{"", "", []string{"a.b.c", "a.b.d", "a.e", "foo", "redis/config/connections", "redis/config/cpu",
			"redis/config/memory", "web/bar", "web/foo", "web/subdir/a", "web/subdir/b/c"}},
		{"web/", "", []string{"web/bar", "web/foo", "web/subdir/a", "web/subdir/b/c"}},
		// The separator is searched only after the prefix.
		{"web/subdir/", "/", []string{"web/subdir/a", "web/subdir/b/"}},
		// A prefix that is not a directory.
		{"web", "/", []string{"web/"}},
		{"web/s", "/", []string{"web/subdir/"}},
		// Any string is a separator.
		{"a", ".", []string{"a."}},
		{"a.", ".", []string{"a.b.", "a.e"}},
		{"", "b.", []string{"a.b.", "a.e", "foo", "redis/config/connections", "redis/config/cpu",
			"redis/config/memory", "web/bar", "web/foo", "web/subdir/a", "web/subdir/b/c"}},
		{"nothing/", "/", nil},
	}
	for _, tt := range tests {
		got, _ := s.Keys(tt.prefix, tt.sep)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Keys(%q, %q) =\n %q\nwant\n %q", tt.prefix, tt.sep, got, tt.want)
		}
	}
}

// TestKeysMatchesConsul compares Keys with Consul's KVS.ListKeys loop (dedupe with a seen
// set, in entry order) plus a sort, over random keys, prefixes and separators.
func TestKeysMatchesConsul(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "ab/.-"
	word := func(max int) string {
		b := make([]byte, rng.IntN(max+1))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for round := range 300 {
		s := NewStore()
		for i := range 30 {
			s.Set(uint64(i+1), word(6), nil, 0)
		}
		prefix, sep := word(2), word(2)
		entries, _ := s.List(prefix)
		var want []string
		seen := map[string]bool{}
		for _, e := range entries {
			if sep == "" {
				want = append(want, e.Key)
				continue
			}
			after := e.Key[len(prefix):]
			if i := strings.Index(after, sep); i > -1 {
				k := e.Key[:len(prefix)+i+len(sep)]
				if !seen[k] {
					want = append(want, k)
					seen[k] = true
				}
			} else {
				want = append(want, e.Key)
			}
		}
		slices.Sort(want)
		got, _ := s.Keys(prefix, sep)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: Keys(%q, %q) over %s:\n got %q\nwant %q", round, prefix, sep, describe(s), got, want)
		}
	}
}

func TestReadsReturnCopies(t *testing.T) {
	s := NewStore()
	v := []byte("value")
	s.Set(1, "k", v, 0)
	v[0] = 'X' // the store must have copied the caller's slice
	e, _ := s.Get("k")
	e.Value[1] = 'Y'
	e.Flags = 99
	es, _ := s.List("")
	es[0].Value[2] = 'Z'
	if e, _ := s.Get("k"); string(e.Value) != "value" || e.Flags != 0 {
		t.Errorf("store entry changed through a caller's slice: %+v", e)
	}
}

// TestConcurrentUse runs readers, watchers and a writer at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	s := NewStore()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("k/%d", r)
				ch := s.Watch(key)
				if e, _ := s.Get(key); e != nil && !bytes.HasPrefix(e.Value, []byte("v")) {
					t.Errorf("bad value %q", e.Value)
				}
				s.List("k/")
				s.Keys("", "/")
				_ = ch
			}
		})
	}
	for i := uint64(1); i <= 2000; i++ {
		s.Set(i, fmt.Sprintf("k/%d", i%5), fmt.Appendf(nil, "v%d", i), 0)
	}
	close(stop)
	wg.Wait()
	if s.Len() != 5 || s.Index() != 2000 {
		t.Errorf("Len %d Index %d, want 5 and 2000", s.Len(), s.Index())
	}
}
