package kv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/raft"
)

func applyLog(f *FSM, index uint64, data []byte) ApplyResult {
	res, ok := f.Apply(&raft.Log{Index: index, Term: 1, Type: raft.LogCommand, Data: data}).(ApplyResult)
	if !ok {
		panic("Apply did not return an ApplyResult")
	}
	return res
}

func TestFSMApply(t *testing.T) {
	f := NewFSM()
	tests := []struct {
		data []byte
		ok   bool
		err  string
	}{
		{Encode(set("a", "1")), true, ""},                                              // 1
		{Encode(Request{Op: OpCAS, Key: "a", Value: []byte("2"), Index: 1}), true, ""}, // 2
		{Encode(Request{Op: OpCAS, Key: "a", Value: []byte("3"), Index: 1}), false, ""},
		{Encode(Request{Op: OpCAS, Key: "b", Value: []byte("b")}), true, ""}, // 4
		{Encode(Request{Op: OpDeleteCAS, Key: "b", Index: 3}), false, ""},
		{Encode(Request{Op: OpDeleteCAS, Key: "b", Index: 4}), true, ""}, // 6
		{nil, false, "kv: apply log 7: kv: decode: empty command"},
		{[]byte{42, 0}, false, "kv: apply log 8: kv: decode: unknown command type 42"},
		{Encode(Request{Op: OpDelete, Key: "a"}), true, ""}, // 9
	}
	for i, tt := range tests {
		idx := uint64(i + 1)
		res := applyLog(f, idx, tt.data)
		if res.OK != tt.ok {
			t.Errorf("log %d: OK = %v, want %v", idx, res.OK, tt.ok)
		}
		if got := fmt.Sprint(res.Err); tt.err == "" && res.Err != nil || tt.err != "" && got != tt.err {
			t.Errorf("log %d: Err = %v, want %q", idx, res.Err, tt.err)
		}
	}
	if got, want := describe(f.Store()), "index=9"; got != want {
		t.Errorf("state %s, want %s", got, want)
	}
}

// snapshotBytes takes a snapshot of f and persists it to memory.
func snapshotBytes(t testing.TB, f *FSM) []byte {
	t.Helper()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Release()
	sink := &memSink{}
	if err := snap.Persist(sink); err != nil {
		t.Fatal(err)
	}
	if !sink.closed || sink.cancelled {
		t.Fatalf("sink closed=%v cancelled=%v after a good Persist", sink.closed, sink.cancelled)
	}
	return sink.Bytes()
}

// richFSM returns an FSM that has seen every kind of write.
func richFSM(t testing.TB) *FSM {
	f := NewFSM()
	reqs := []Request{
		set("a", "1"), set("a/b", "2"), {Op: OpSet, Key: "a/c", Value: []byte{0, 1, 255}, Flags: 9},
		set("b", ""), set("a", "1b"), {Op: OpDelete, Key: "a/b"}, {Op: OpCAS, Key: "c", Value: []byte("c")},
		set("d/1", "x"), set("d/2", "y"), {Op: OpDeleteTree, Key: "d/"}, set("é", "unicode"),
	}
	for i, r := range reqs {
		if res := applyLog(f, uint64(10+i), Encode(r)); res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	return f
}

func TestSnapshotRoundTrip(t *testing.T) {
	for _, f := range []*FSM{NewFSM(), richFSM(t)} {
		data := snapshotBytes(t, f)
		g := NewFSM()
		applyLog(g, 1, Encode(set("stale", "state"))) // restore replaces, not merges
		if err := g.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
			t.Fatal(err)
		}
		if got, want := describe(g.Store()), describe(f.Store()); got != want {
			t.Errorf("restored:\n got %s\nwant %s", got, want)
		}
		if again := snapshotBytes(t, g); !bytes.Equal(again, data) {
			t.Error("snapshot of the restored state differs: the encoding is not stable")
		}
	}
	// And the restored store keeps working: indexes go on from the snapshot's.
	f := richFSM(t)
	g := NewFSM()
	if err := g.Restore(io.NopCloser(bytes.NewReader(snapshotBytes(t, f)))); err != nil {
		t.Fatal(err)
	}
	for _, h := range []*FSM{f, g} {
		applyLog(h, 30, Encode(Request{Op: OpCAS, Key: "a/c", Value: []byte("new"), Index: 12}))
		applyLog(h, 31, Encode(set("a", "1b"))) // unchanged: no-op
	}
	if got, want := describe(g.Store()), describe(f.Store()); got != want || !strings.Contains(got, "a/c=new(12,30)") {
		t.Errorf("after more writes:\n restored %s\n original %s", got, want)
	}
}

// TestSnapshotIsPointInTime checks that writes after Snapshot do not leak into it.
func TestSnapshotIsPointInTime(t *testing.T) {
	f := richFSM(t)
	want := describe(f.Store())
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	applyLog(f, 40, Encode(set("a", "later")))
	applyLog(f, 41, Encode(Request{Op: OpDeleteTree}))
	sink := &memSink{}
	if err := snap.Persist(sink); err != nil {
		t.Fatal(err)
	}
	g := NewFSM()
	if err := g.Restore(io.NopCloser(&sink.Buffer)); err != nil {
		t.Fatal(err)
	}
	if got := describe(g.Store()); got != want {
		t.Errorf("snapshot holds %s, want the state at Snapshot time %s", got, want)
	}
}

func TestRestoreFiresWatchesThroughFSM(t *testing.T) {
	f := richFSM(t)
	g := NewFSM()
	ch := g.Store().Watch("anything")
	if err := g.Restore(io.NopCloser(bytes.NewReader(snapshotBytes(t, f)))); err != nil {
		t.Fatal(err)
	}
	if !closed(ch) {
		t.Error("Restore did not fire the watch")
	}
}

// TestRestoreRejectsDamage feeds Restore every truncation and every single-byte change of
// a good snapshot: each must fail and leave the store as it was.
func TestRestoreRejectsDamage(t *testing.T) {
	data := snapshotBytes(t, richFSM(t))
	g := NewFSM()
	applyLog(g, 1, Encode(set("keep", "me")))
	before := describe(g.Store())
	try := func(name string, b []byte) {
		if err := g.Restore(io.NopCloser(bytes.NewReader(b))); err == nil {
			t.Errorf("%s: restored", name)
		}
		if got := describe(g.Store()); got != before {
			t.Fatalf("%s: failed restore changed the store to %s", name, got)
		}
	}
	for n := range len(data) {
		try(fmt.Sprintf("truncated to %d bytes", n), data[:n])
	}
	for i := range data {
		b := bytes.Clone(data)
		b[i] ^= 0x20
		try(fmt.Sprintf("byte %d changed", i), b)
	}
	try("trailing data", append(bytes.Clone(data), 0))
}

// TestRestoreChecksStructure builds snapshots with a correct checksum but bad content.
func TestRestoreChecksStructure(t *testing.T) {
	tests := []struct {
		name    string
		index   uint64
		entries []*Entry
		want    string
	}{
		{"unsorted", 5, []*Entry{{Key: "b", CreateIndex: 1, ModifyIndex: 1}, {Key: "a", CreateIndex: 2, ModifyIndex: 2}}, "must be sorted"},
		{"duplicate", 5, []*Entry{{Key: "a", CreateIndex: 1, ModifyIndex: 1}, {Key: "a", CreateIndex: 2, ModifyIndex: 2}}, "must be sorted"},
		{"modify after store index", 5, []*Entry{{Key: "a", CreateIndex: 1, ModifyIndex: 6}}, "inconsistent indexes"},
		{"create after modify", 5, []*Entry{{Key: "a", CreateIndex: 3, ModifyIndex: 2}}, "inconsistent indexes"},
		{"zero modify", 5, []*Entry{{Key: "a"}}, "inconsistent indexes"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := writeSnapshot(&buf, tt.index, tt.entries); err != nil {
			t.Fatal(err)
		}
		err := NewFSM().Restore(io.NopCloser(&buf))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

type failingSink struct{ memSink }

func (f *failingSink) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestPersistCancelsOnError(t *testing.T) {
	snap, _ := richFSM(t).Snapshot()
	sink := &failingSink{}
	if err := snap.Persist(sink); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Persist error %v, want disk full", err)
	}
	if !sink.cancelled || sink.closed {
		t.Errorf("sink cancelled=%v closed=%v, want cancelled only", sink.cancelled, sink.closed)
	}
}
