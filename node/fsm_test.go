package node

import (
	"bytes"
	"io"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/kv"
)

func persist(t *testing.T, f raft.FSM) []byte {
	t.Helper()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink bufferSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	return sink.Bytes()
}

// The server's state machine routes catalog writes to the catalog and KV writes to the
// store; its snapshot is the KV store's alone, byte for byte, while the catalog never
// changed, and both otherwise; either form restores, and a damaged one changes nothing.
func TestServerFSMSnapshots(t *testing.T) {
	f := newServerFSM()
	f.Apply(&raft.Log{Index: 1, Data: kv.Encode(kv.Request{Op: kv.OpSet, Key: "a", Value: []byte("1")})})
	kvOnly := persist(t, f)
	plain := kv.NewFSM()
	plain.Apply(&raft.Log{Index: 1, Data: kv.Encode(kv.Request{Op: kv.OpSet, Key: "a", Value: []byte("1")})})
	if !bytes.Equal(kvOnly, persist(t, plain)) {
		t.Fatal("with an empty catalog the snapshot is not the KV store's own")
	}
	reg := catalog.Request{Op: catalog.OpRegister, Node: "n1", Address: "10.0.0.1", Service: &catalog.Service{Service: "web"}}
	if res := f.Apply(&raft.Log{Index: 2, Data: encodeCatalog(reg)}).(CatalogResult); !res.Changed || res.Err != nil {
		t.Fatalf("catalog write: %+v", res)
	}
	if res := f.Apply(&raft.Log{Index: 3, Data: encodeCatalog(catalog.Request{Op: "bogus", Node: "n1"})}).(CatalogResult); res.Err == nil {
		t.Error("an unknown catalog operation applied without error")
	}
	both := persist(t, f)

	g := newServerFSM()
	if err := g.Restore(io.NopCloser(bytes.NewReader(both))); err != nil {
		t.Fatal(err)
	}
	if e, _ := g.Store().Get("a"); e == nil || string(e.Value) != "1" {
		t.Errorf("KV after restore: %+v", e)
	}
	if _, svcs, idx := g.catalog.NodeServices("n1"); len(svcs) != 1 || svcs[0].ID != "web" || idx != 2 {
		t.Errorf("catalog after restore: %+v at %d", svcs, idx)
	}
	if !bytes.Equal(persist(t, g), both) {
		t.Error("a restored state snapshots to other bytes")
	}
	for _, bad := range [][]byte{both[:len(both)-3], append(bytes.Clone(both[:len(stateMagic)+8]), 0xff)} {
		if err := g.Restore(io.NopCloser(bytes.NewReader(bad))); err == nil {
			t.Error("a damaged snapshot restored")
		}
	}
	if _, svcs, _ := g.catalog.NodeServices("n1"); len(svcs) != 1 {
		t.Error("a damaged snapshot changed the catalog")
	}
	if err := g.Restore(io.NopCloser(bytes.NewReader(kvOnly))); err != nil {
		t.Fatal(err)
	}
	if g.catalog.Index() != 0 {
		t.Error("restoring a KV-only snapshot kept the catalog")
	}
}
