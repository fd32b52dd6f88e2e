package node

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/kv"
	"github.com/consim/consim/node/session"
)

func serfCheck(node, status string) catalog.Request {
	return catalog.Request{Op: catalog.OpRegister, Node: node, Address: "10.0.0.1",
		Checks: []*catalog.Check{{CheckID: catalog.SerfCheckID, Name: catalog.SerfCheckName, Status: status}}}
}

func createSession(id, node string, checks ...string) []byte {
	return encodeSession(session.Request{Op: session.OpCreate, Session: session.Session{
		ID: id, Node: node, NodeChecks: checks, Behavior: session.BehaviorRelease, LockDelay: 15 * time.Second}})
}

// The state machine ties sessions to the catalog and the KV store as Consul's state store
// does: a create needs its node and its checks (none critical), a lock needs a live
// session, and a check going critical invalidates the session, releases its key and
// starts the key's lock-delay; a snapshot carries the sessions.
func TestServerFSMSessions(t *testing.T) {
	f := newServerFSM()
	now := time.Unix(1000, 0)
	f.now = func() time.Time { return now }
	var changes []SessionChange
	f.onSession = func(c SessionChange) { changes = append(changes, c) }
	idx := uint64(0)
	apply := func(data []byte) any { idx++; return f.Apply(&raft.Log{Index: idx, Data: data}) }

	if res := apply(createSession("s0", "n1", "serfHealth")).(SessionResult); res.Err == nil || res.Err.Error() != "Missing node registration" {
		t.Fatalf("session on an unknown node: %v", res.Err)
	}
	apply(encodeCatalog(serfCheck("n1", catalog.Critical)))
	if res := apply(createSession("s0", "n1", "serfHealth")).(SessionResult); res.Err == nil || res.Err.Error() != "Check 'serfHealth' is in critical state" {
		t.Fatalf("session bound to a critical check: %v", res.Err)
	}
	if res := apply(createSession("s0", "n1", "nope")).(SessionResult); res.Err == nil || res.Err.Error() != "Missing check 'nope' registration" {
		t.Fatalf("session bound to an unknown check: %v", res.Err)
	}
	if l, _ := f.sessions.List(nil); len(l) != 0 {
		t.Fatalf("refused creates left sessions: %+v", l)
	}
	apply(encodeCatalog(serfCheck("n1", catalog.Passing)))
	if res := apply(createSession("s1", "n1", "serfHealth")).(SessionResult); res.Err != nil {
		t.Fatal(res.Err)
	}
	lock := func(sess string) kv.ApplyResult {
		return apply(kv.Encode(kv.Request{Op: kv.OpLock, Key: "lk", Value: []byte("v"), Session: sess})).(kv.ApplyResult)
	}
	if res := lock("ghost"); res.Err == nil || res.Err.Error() != `invalid session "ghost"` {
		t.Fatalf("lock with an unknown session: %+v", res)
	}
	if res := lock("s1"); !res.OK || res.Err != nil {
		t.Fatalf("lock: %+v", res)
	}
	snap := persist(t, f)

	apply(encodeCatalog(serfCheck("n1", catalog.Critical)))
	if s, _ := f.sessions.Get("s1"); s != nil {
		t.Fatal("a session outlived its critical serfHealth")
	}
	if e, _ := f.Store().Get("lk"); e.Session != "" || e.LockIndex != 1 {
		t.Errorf("key after invalidation: %+v", e)
	}
	if d := f.lockDelay.remaining("lk", now.Add(5*time.Second)); d != 10*time.Second {
		t.Errorf("lock-delay 5 s after invalidation: %s left, want 10s", d)
	}
	if len(changes) != 2 || !changes[0].Created || changes[1].Reason != "check serfHealth critical" || len(changes[1].Keys) != 1 {
		t.Errorf("session changes: %+v", changes)
	}

	g := newServerFSM()
	if err := g.Restore(io.NopCloser(bytes.NewReader(snap))); err != nil {
		t.Fatal(err)
	}
	if s, _ := g.sessions.Get("s1"); s == nil || s.Node != "n1" {
		t.Errorf("session after restore: %+v", s)
	}
	if e, _ := g.Store().Get("lk"); e == nil || e.Session != "s1" {
		t.Errorf("locked key after restore: %+v", e)
	}
	if !bytes.Equal(persist(t, g), snap) {
		t.Error("a restored state snapshots to other bytes")
	}
	if err := g.Restore(io.NopCloser(bytes.NewReader(snap[:len(snap)-2]))); err == nil {
		t.Error("a truncated snapshot restored")
	}
}
