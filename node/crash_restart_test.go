package node

import (
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/diskmodel"
	"github.com/consim/consim/netmodel"
)

// withDisks puts every server's raft stores on a simulated disk with the given fsync
// latency, recording the disks so a test can crash and restart servers on them.
func withDisks(t *testing.T, latency time.Duration, disks map[string]*diskmodel.Disk) func(*testAgent, *Config) {
	api := withAPI(t)
	return func(a *testAgent, cfg *Config) {
		api(a, cfg)
		if a.server {
			d := diskmodel.New(diskmodel.Config{WriteLatency: latency})
			disks[a.name] = d
			cfg.Stores = Stores{Log: d.LogStore(), Stable: d.StableStore(), Snapshot: d.SnapshotStore()}
		}
	}
}

// restartServer starts a crashed server again on its disk and has it rejoin via via.
func restartServer(t *testing.T, c *cluster, a *testAgent, d *diskmodel.Disk, via *testAgent) {
	t.Helper()
	a.host.Restart()
	layer, err := netmodel.NewRaftLayer(a.host, a.addr, testRaftPort)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Name: a.name, Addr: a.addr, GossipPort: testGossipPort,
		Transport: c.memberlistTransport(a),
		Server:    true, RaftLayer: layer,
		Stores:   Stores{Log: d.LogStore(), Stable: d.StableStore(), Snapshot: d.SnapshotStore()},
		Observer: c.rec, LogOutput: a.log,
	}
	withAPI(t)(a, &cfg)
	if a.agent, err = Start(cfg); err != nil {
		t.Fatalf("restart %s: %v", a.name, err)
	}
	a.down = false
	c.join(a.name, via.name)
}

// A leader crashes; the others elect a new one and keep accepting writes; the old leader
// restarts from its own disk, catches up, and no acknowledged write is lost anywhere.
func TestLeaderCrashRestartFromDiskLosesNoAcknowledgedWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		disks := map[string]*diskmodel.Disk{}
		c := newClusterWith(t, 7, 3, 0, withDisks(t, 2*time.Millisecond, disks))
		c.join("server-2", "server-1")
		c.join("server-3", "server-1")
		old := waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		acked := map[string]string{}
		sent := 0
		write := func(via *testAgent, n int) {
			for range n {
				key := fmt.Sprintf("k%03d", sent)
				sent++
				if r := api.do(via, http.MethodPut, "/v1/kv/"+key, "v"+key); r.code == 200 && r.body == "true" {
					acked[key] = "v" + key
				} else {
					t.Logf("PUT %s via %s not acknowledged: %d %s", key, via.name, r.code, r.body)
				}
			}
		}
		write(old, 20)

		lastBefore, termBefore := old.agent.Raft().LastIndex(), old.agent.Raft().CurrentTerm()
		c.crash(old.name)
		disks[old.name].Crash()
		var next *testAgent
		c.waitFor(30*time.Second, "a new leader", func() bool {
			for _, s := range c.servers() {
				if !s.down && s.agent.Raft().State() == raft.Leader {
					next = s
					return true
				}
			}
			return false
		})
		write(next, 20)
		if len(acked) != 40 {
			t.Fatalf("only %d of 40 writes acknowledged on a healthy majority", len(acked))
		}

		restartServer(t, c, old, disks[old.name], next)
		// What it has before anyone replicates to it came from its own disk.
		if got := old.agent.Raft().LastIndex(); got < lastBefore {
			t.Fatalf("restarted %s has log up to %d, had %d before the crash: the disk lost acknowledged entries", old.name, got, lastBefore)
		}
		if got := old.agent.Raft().CurrentTerm(); got < termBefore {
			t.Fatalf("restarted %s is in term %d, was in %d: the stable store was lost", old.name, got, termBefore)
		}
		want := next.agent.Raft().CommitIndex()
		c.waitFor(30*time.Second, old.name+" catching up", func() bool {
			return old.agent.Raft().AppliedIndex() >= want
		})
		for _, s := range c.servers() {
			for key, v := range acked {
				r := api.do(s, http.MethodGet, "/v1/kv/"+key+"?stale", "")
				if r.code != 200 || value(t, r) != v {
					t.Fatalf("%s lost acknowledged %s=%s: %d %s", s.name, key, v, r.code, r.body)
				}
			}
		}
		if old.agent.Raft().State() == raft.Leader && old.agent.Raft().CurrentTerm() <= 2 {
			t.Errorf("the restarted server leads in its old term")
		}
	})
}
