package diskmodel

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
)

// listFSM keeps every applied command in order; its snapshots hold them all.
type listFSM struct {
	mu       sync.Mutex
	applied  []string
	restores int
}

var _ raft.FSM = (*listFSM)(nil)

func (f *listFSM) Apply(l *raft.Log) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, string(l.Data))
	return nil
}

func (f *listFSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return listSnapshot(slices.Clone(f.applied)), nil
}

func (f *listFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	var applied []string
	sc := bufio.NewScanner(rc)
	for sc.Scan() {
		applied = append(applied, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied, f.restores = applied, f.restores+1
	return nil
}

func (f *listFSM) contents() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.applied)
}

type listSnapshot []string

func (s listSnapshot) Persist(sink raft.SnapshotSink) error {
	for _, c := range s {
		if _, err := io.WriteString(sink, c+"\n"); err != nil {
			sink.Cancel()
			return err
		}
	}
	return sink.Close()
}

func (listSnapshot) Release() {}

// raftNode is one raft server on its own Disk.
type raftNode struct {
	addr  raft.ServerAddress
	disk  *Disk
	trans *raft.InmemTransport
	fsm   *listFSM
	raft  *raft.Raft
}

func raftConfig(id raft.ServerAddress) *raft.Config {
	c := raft.DefaultConfig()
	c.LocalID = raft.ServerID(id)
	c.Logger = hclog.NewNullLogger()
	c.TrailingLogs = 10           // a snapshot really compacts the log
	c.SnapshotThreshold = 1 << 40 // snapshots only when the test asks
	return c
}

// start runs a new raft, with a new transport and an empty FSM, on fresh handles of the
// node's disk: what a restarted process does.
func (n *raftNode) start(t *testing.T, peers []*raftNode) {
	t.Helper()
	_, n.trans = raft.NewInmemTransport(n.addr)
	for _, p := range peers {
		if p != n && p.trans != nil {
			n.trans.Connect(p.addr, p.trans)
			p.trans.Connect(n.addr, n.trans)
		}
	}
	n.fsm = &listFSM{}
	r, err := raft.NewRaft(raftConfig(n.addr), n.fsm, n.disk.LogStore(), n.disk.StableStore(), n.disk.SnapshotStore(), n.trans)
	mustNil(t, "NewRaft "+string(n.addr), err)
	n.raft = r
}

// crash cuts the node off and stops its raft after its disk crashed.
func (n *raftNode) crash(t *testing.T, peers []*raftNode) {
	t.Helper()
	n.disk.Crash()
	for _, p := range peers {
		if p != n {
			p.trans.Disconnect(n.addr)
		}
	}
	n.trans.Close()
	n.raft.Shutdown().Error() // may report the store errors of its last moments
	n.raft, n.trans = nil, nil
}

// waitFor polls cond every 10ms of virtual time for at most limit.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
	}
}

func leaderOf(nodes []*raftNode) *raftNode {
	for _, n := range nodes {
		if n.raft != nil && n.raft.State() == raft.Leader {
			return n
		}
	}
	return nil
}

func commands(from, to int) []string {
	var cs []string
	for i := from; i < to; i++ {
		cs = append(cs, fmt.Sprintf("cmd-%03d", i))
	}
	return cs
}

func TestRaftFollowerRestartsFromItsDisk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var nodes []*raftNode
		var servers []raft.Server
		for i := 1; i <= 3; i++ {
			addr := raft.ServerAddress(fmt.Sprintf("n%d", i))
			nodes = append(nodes, &raftNode{addr: addr, disk: New(Config{WriteLatency: 2 * time.Millisecond})})
			servers = append(servers, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(addr), Address: addr})
		}
		for _, n := range nodes {
			d := n.disk
			_, trans := raft.NewInmemTransport(n.addr)
			err := raft.BootstrapCluster(raftConfig(n.addr), d.LogStore(), d.StableStore(), d.SnapshotStore(),
				trans, raft.Configuration{Servers: servers})
			mustNil(t, "bootstrap", err)
		}
		for _, n := range nodes {
			n.start(t, nodes)
		}
		defer func() {
			for _, n := range nodes {
				if n.raft != nil {
					n.raft.Shutdown().Error()
					n.trans.Close()
				}
			}
		}()

		start := time.Now()
		var leader *raftNode
		waitFor(t, "a leader", 10*time.Second, func() bool { leader = leaderOf(nodes); return leader != nil })
		t.Logf("leader %s elected after %v", leader.addr, time.Since(start))
		for _, c := range commands(0, 100) {
			mustNil(t, "Apply "+c, leader.raft.Apply([]byte(c), time.Second).Error())
		}
		waitFor(t, "100 entries everywhere", 5*time.Second, func() bool {
			return slices.Equal(nodes[0].fsm.contents(), nodes[1].fsm.contents()) &&
				slices.Equal(nodes[1].fsm.contents(), nodes[2].fsm.contents()) &&
				len(nodes[0].fsm.contents()) == 100
		})

		var follower *raftNode
		for _, n := range nodes {
			if n != leader {
				follower = n
				break
			}
		}
		// A snapshot on the follower compacts its log: the restart must go through it.
		mustNil(t, "follower snapshot", follower.raft.Snapshot().Error())
		if first, _ := follower.disk.LogStore().FirstIndex(); first <= 1 {
			t.Fatalf("snapshot did not compact the follower's log (first index %d)", first)
		}

		// Keep writing while the follower's disk crashes mid-stream.
		applied := make(chan error, 1)
		go func() {
			for _, c := range commands(100, 150) {
				if err := leader.raft.Apply([]byte(c), 5*time.Second).Error(); err != nil {
					applied <- fmt.Errorf("Apply %s: %w", c, err)
					return
				}
			}
			applied <- nil
		}()
		// Crash while the follower has a write waiting for its fsync: it must be lost, and
		// nothing it acknowledged before.
		time.Sleep(25 * time.Millisecond)
		for i := 0; follower.disk.Stats().InFlight == 0; i++ {
			if i == 1000 {
				t.Fatal("no follower write in flight within 100ms")
			}
			time.Sleep(100 * time.Microsecond)
		}
		acked := follower.raft.LastIndex() // raft records an index only after StoreLogs returned
		term := follower.raft.CurrentTerm()
		follower.crash(t, nodes)
		mustNil(t, "applies during the crash", <-applied)

		logs, stable := follower.disk.LogStore(), follower.disk.StableStore()
		if last, _ := logs.LastIndex(); last < acked {
			t.Errorf("crash lost acknowledged log entries: last index %d, raft had %d", last, acked)
		}
		if got, err := stable.GetUint64([]byte("CurrentTerm")); err != nil || got != term {
			t.Errorf("CurrentTerm after crash = %d, %v; want %d", got, err, term)
		}

		follower.start(t, nodes)
		want := commands(0, 150)
		waitFor(t, "the restarted follower to catch up", 10*time.Second, func() bool {
			return slices.Equal(follower.fsm.contents(), want)
		})
		for _, n := range nodes {
			if got := n.fsm.contents(); !slices.Equal(got, want) {
				t.Errorf("%s applied %d entries: %s", n.addr, len(got), strings.Join(got, ","))
			}
		}
		if follower.fsm.restores != 1 {
			t.Errorf("restarted follower restored %d snapshots, want 1 from its disk", follower.fsm.restores)
		}
		st := follower.disk.Stats()
		if st.Crashes != 1 || st.LostInFlight < 1 {
			t.Errorf("follower disk: %v; want crashes=1 and a write lost in flight", st)
		}
		t.Logf("follower disk: %v", st)
	})
}
