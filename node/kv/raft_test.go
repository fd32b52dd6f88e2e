package kv

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
)

// raftNode is one raft server over in-memory stores and transport, running an FSM.
type raftNode struct {
	raft  *raft.Raft
	fsm   *FSM
	trans *raft.InmemTransport
	snaps *raft.InmemSnapshotStore
	addr  raft.ServerAddress
}

func newRaftNode(t *testing.T, id string, bootstrap bool) *raftNode {
	t.Helper()
	conf := raft.DefaultConfig()
	conf.LocalID = raft.ServerID(id)
	conf.Logger = hclog.NewNullLogger()
	// Snapshots only when the test asks, and then keep few logs behind them, so a node
	// that joins later must be sent the snapshot.
	conf.SnapshotThreshold = 1 << 40
	conf.TrailingLogs = 4
	store := raft.NewInmemStore()
	n := &raftNode{fsm: NewFSM(), snaps: raft.NewInmemSnapshotStore()}
	n.addr, n.trans = raft.NewInmemTransport(raft.ServerAddress(id))
	if bootstrap {
		cfg := raft.Configuration{Servers: []raft.Server{{ID: conf.LocalID, Address: n.addr}}}
		if err := raft.BootstrapCluster(conf, store, store, n.snaps, n.trans, cfg); err != nil {
			t.Fatal(err)
		}
	}
	r, err := raft.NewRaft(conf, n.fsm, store, store, n.snaps, n.trans)
	if err != nil {
		t.Fatal(err)
	}
	n.raft = r
	return n
}

func (n *raftNode) shutdown(t *testing.T) {
	if err := n.raft.Shutdown().Error(); err != nil {
		t.Error(err)
	}
	n.trans.Close()
}

// waitFor polls cond every 10 ms of virtual time, up to limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, limit)
		}
	}
}

// TestRaftSnapshotRestore runs the FSM under real raft: a single node applies a mix of
// writes, is forced to snapshot, and the snapshot restores both directly into a fresh
// FSM and, through raft's InstallSnapshot, into a node that joins after the log was
// compacted. Each copy must equal the original, and keep applying the same way.
func TestRaftSnapshotRestore(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n1 := newRaftNode(t, "n1", true)
		defer n1.shutdown(t)
		waitFor(t, 10*time.Second, "leader", func() bool { return n1.raft.State() == raft.Leader })

		apply := func(r Request) ApplyResult {
			t.Helper()
			if err := r.Validate(); err != nil {
				t.Fatal(err)
			}
			f := n1.raft.Apply(Encode(r), time.Second)
			if err := f.Error(); err != nil {
				t.Fatal(err)
			}
			res := f.Response().(ApplyResult)
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			return res
		}
		const n = 60
		for i := range n {
			key := fmt.Sprintf("k/%02d", i%20)
			switch i % 6 {
			case 0, 1, 2:
				apply(Request{Op: OpSet, Key: key, Value: fmt.Appendf(nil, "v%d", i), Flags: uint64(i)})
			case 3:
				e, _ := n1.fsm.Store().Get(key)
				var cas uint64
				if e != nil {
					cas = e.ModifyIndex
				}
				if !apply(Request{Op: OpCAS, Key: key, Value: []byte("cas"), Index: cas}).OK {
					t.Fatalf("cas %d on %s failed", cas, key)
				}
			case 4:
				apply(Request{Op: OpDelete, Key: key})
			case 5:
				apply(Request{Op: OpDeleteTree, Key: fmt.Sprintf("k/%d", i%2)})
			}
		}
		want := describe(n1.fsm.Store())

		sf := n1.raft.Snapshot()
		if err := sf.Error(); err != nil {
			t.Fatal(err)
		}
		meta, rc, err := sf.Open()
		if err != nil {
			t.Fatal(err)
		}
		if meta.Index < n1.fsm.Store().Index() {
			t.Errorf("snapshot at log %d, store index %d", meta.Index, n1.fsm.Store().Index())
		}
		direct := NewFSM()
		if err := direct.Restore(rc); err != nil {
			t.Fatal(err)
		}
		if got := describe(direct.Store()); got != want {
			t.Errorf("restored directly:\n got %s\nwant %s", got, want)
		}

		// A second node joins. The leader kept only TrailingLogs entries after the
		// snapshot, so it must install the snapshot on the newcomer.
		n2 := newRaftNode(t, "n2", false)
		defer n2.shutdown(t)
		n1.trans.Connect(n2.addr, n2.trans)
		n2.trans.Connect(n1.addr, n1.trans)
		if err := n1.raft.AddVoter("n2", n2.addr, 0, 5*time.Second).Error(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 10*time.Second, "snapshot on n2", func() bool {
			l, _ := n2.snaps.List()
			return len(l) == 1
		})
		waitFor(t, 10*time.Second, "n2 caught up", func() bool { return describe(n2.fsm.Store()) == want })

		// Both keep applying identically after the restore.
		apply(Request{Op: OpSet, Key: "after", Value: []byte("restore")})
		apply(Request{Op: OpDeleteTree, Key: "k/1"})
		if err := n1.raft.Barrier(time.Second).Error(); err != nil {
			t.Fatal(err)
		}
		want = describe(n1.fsm.Store())
		waitFor(t, 10*time.Second, "n2 applying after restore", func() bool { return describe(n2.fsm.Store()) == want })
		if want == describe(direct.Store()) {
			t.Error("writes after the snapshot changed nothing: the test proves little")
		}
	})
}
