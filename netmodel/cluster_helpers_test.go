package netmodel

import (
	"bytes"
	"io"
	"log"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
)

// lockedBuffer is a log sink that several goroutines write and the test
// reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startMemberlist runs a memberlist on port 7946 of every host (logging to
// logw, or nowhere if nil), joins them all through the first and waits for
// convergence.
func startMemberlist(t *testing.T, hosts []*Host, logw io.Writer) []*memberlist.Memberlist {
	t.Helper()
	if logw == nil {
		logw = io.Discard
	}
	var mls []*memberlist.Memberlist
	for _, h := range hosts {
		tr, err := NewMemberlistTransport(h, "", 7946)
		if err != nil {
			t.Fatal(err)
		}
		conf := memberlist.DefaultLocalConfig()
		conf.Name = h.Name()
		conf.Transport = tr
		conf.Logger = log.New(logw, h.Name()+" ", 0)
		ml, err := memberlist.Create(conf)
		if err != nil {
			t.Fatal(err)
		}
		mls = append(mls, ml)
	}
	seed := hosts[0].Addrs()[0] + ":7946"
	for _, ml := range mls[1:] {
		if _, err := ml.Join([]string{seed}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 10*time.Second, "memberlist convergence", func() bool { return converged(mls, len(mls)) })
	return mls
}

// listed reports whether ml lists the named member as alive or suspect
// (memberlist's Members drops dead and left ones; it does not say which
// of the two states a listed member is in: see the logs for suspicion).
func listed(ml *memberlist.Memberlist, name string) bool {
	for _, m := range ml.Members() {
		if m.Name == name {
			return true
		}
	}
	return false
}

func shutdownMemberlist(t *testing.T, mls []*memberlist.Memberlist) {
	t.Helper()
	for _, ml := range mls {
		if err := ml.Shutdown(); err != nil {
			t.Fatal(err)
		}
	}
}

// raftCluster is a bootstrapped raft cluster over the network, port 8300.
type raftCluster struct {
	rafts []*raft.Raft
	fsms  []*countFSM
}

func startRaft(t *testing.T, hosts []*Host) *raftCluster {
	t.Helper()
	return startRaftWith(t, hosts, false)
}

// startRaftWith is startRaft, with RaftTransport instead of raft's NetworkTransport if
// fast.
func startRaftWith(t *testing.T, hosts []*Host, fast bool) *raftCluster {
	t.Helper()
	var servers []raft.Server
	var layers []*RaftLayer
	for _, h := range hosts {
		l, err := NewRaftLayer(h, "", 8300)
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
		servers = append(servers, raft.Server{ID: raft.ServerID(h.Name()), Address: raft.ServerAddress(l.Addr().String())})
	}
	rc := &raftCluster{}
	for i, l := range layers {
		var trans raft.Transport
		if fast {
			trans = NewRaftTransport(l, 10*time.Second)
		} else {
			trans = raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
				Stream: l, MaxPool: 3, Timeout: 10 * time.Second, Logger: hclog.NewNullLogger(),
			})
		}
		conf := raft.DefaultConfig()
		conf.LocalID = servers[i].ID
		conf.Logger = hclog.NewNullLogger()
		logs := raft.NewInmemStore()
		fsm := &countFSM{}
		r, err := raft.NewRaft(conf, fsm, logs, logs, raft.NewInmemSnapshotStore(), trans)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.BootstrapCluster(raft.Configuration{Servers: servers}).Error(); err != nil {
			t.Fatal(err)
		}
		rc.rafts = append(rc.rafts, r)
		rc.fsms = append(rc.fsms, fsm)
	}
	return rc
}

// leader waits up to limit for a leader and returns it.
func (rc *raftCluster) leader(t *testing.T, limit time.Duration) *raft.Raft {
	t.Helper()
	var l *raft.Raft
	waitFor(t, limit, "a raft leader", func() bool {
		for _, r := range rc.rafts {
			if r.State() == raft.Leader {
				l = r
				return true
			}
		}
		return false
	})
	return l
}

// applied returns every server's applied entry count.
func (rc *raftCluster) applied() []int {
	var out []int
	for _, f := range rc.fsms {
		out = append(out, f.count())
	}
	return out
}

func (rc *raftCluster) shutdown(t *testing.T) {
	t.Helper()
	for _, r := range rc.rafts {
		if err := r.Shutdown().Error(); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls cond every 50ms of virtual time, failing after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(50 * ms) {
		if elapsed(start) > limit {
			t.Fatalf("no %s after %v", what, limit)
		}
	}
}
