package netmodel

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
)

func clusterHosts(t *testing.T, n *Network, k int) []*Host {
	var hosts []*Host
	for i := range k {
		hosts = append(hosts, addHost(t, n, fmt.Sprintf("node%d", i), fmt.Sprintf("127.0.0.%d", i+1)))
	}
	return hosts
}

func jitter() Config {
	return Config{Link: LinkConfig{Latency: Latency{Dist: DistNormal, Mean: 2 * ms, Stddev: ms / 2}}}
}

// "UDP blocked, TCP fine": with node2's packets blocked both ways, its
// peers' UDP probes fail but memberlist's TCP fallback ping gets through,
// so node2 is never declared dead.
func TestPacketsOnlyBlockMemberlistFallsBackToTCP(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, jitter())
		var logs lockedBuffer
		mls := startMemberlist(t, clusterHosts(t, n, 3), &logs)
		opened := n.Stats().StreamsOpened

		f := n.NewFault("udp-blocked node2")
		f.Block("node2", "", Packets)
		f.Block("", "node2", Packets)
		for start := time.Now(); elapsed(start) < 30*time.Second; time.Sleep(100 * ms) {
			for _, ml := range mls[:2] {
				if !listed(ml, "node2") {
					t.Fatalf("%s declared node2 dead after %v of UDP-only block", ml.LocalNode().Name, elapsed(start))
				}
			}
		}
		e := f.Effect()
		st := n.Stats()
		if e.PacketsDropped == 0 || e.SegmentsHeld != 0 || e.DialsStalled != 0 {
			t.Fatalf("effect %+v: want packets dropped, streams untouched", e)
		}
		if !strings.Contains(logs.String(), "Was able to connect to node2 over TCP but UDP probes failed") {
			t.Fatal("no TCP fallback probe to node2 succeeded")
		}
		t.Logf("effect %+v; %d streams opened during the block", e, st.StreamsOpened-opened)
		f.Lift()
		time.Sleep(5 * time.Second)
		if !converged(mls, 3) {
			t.Fatalf("after lift: %v", memberCounts(mls))
		}
		shutdownMemberlist(t, mls)
	})
}

// Streams-only block on every host: raft stalls (no entry commits) while
// memberlist's packet probes keep everybody alive; after Lift raft
// recovers and catches every server up.
func TestStreamsOnlyBlockStallsRaftWhileGossipFlows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, jitter())
		hosts := clusterHosts(t, n, 3)
		mls := startMemberlist(t, hosts, nil)
		rc := startRaft(t, hosts)
		leader := rc.leader(t, 30*time.Second)
		if err := leader.Apply([]byte("before"), time.Second).Error(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 5*time.Second, "replication", func() bool { return slices.Equal(rc.applied(), []int{1, 1, 1}) })

		f := n.NewFault("tcp-blocked")
		f.Block("", "", Streams)
		delivered := n.Stats().PacketsDelivered
		if err := leader.Apply([]byte("during"), time.Second).Error(); err == nil {
			t.Fatal("an entry committed with every stream blocked")
		}
		for start := time.Now(); elapsed(start) < 15*time.Second; time.Sleep(100 * ms) {
			if !converged(mls, 3) {
				t.Fatalf("memberlist lost a member under a streams-only block: %v", memberCounts(mls))
			}
		}
		for _, r := range rc.rafts {
			if r.State() == raft.Leader {
				if err := r.Apply([]byte("during"), time.Second).Error(); err == nil {
					t.Fatal("an entry committed with every stream blocked")
				}
			}
		}
		e := f.Effect()
		if got := n.Stats().PacketsDelivered - delivered; got == 0 || e.PacketsDropped != 0 || e.SegmentsHeld+e.DialsStalled == 0 {
			t.Fatalf("effect %+v, %d packets delivered during the block", e, got)
		}
		applied := rc.applied()

		f.Lift()
		waitFor(t, 60*time.Second, "a commit after lift", func() bool {
			for _, r := range rc.rafts {
				if r.State() == raft.Leader && r.Apply([]byte("after"), time.Second).Error() == nil {
					return true
				}
			}
			return false
		})
		waitFor(t, 10*time.Second, "catch-up", func() bool {
			a := rc.applied()
			return a[0] == a[1] && a[1] == a[2] && a[0] > applied[0]
		})
		rc.shutdown(t)
		shutdownMemberlist(t, mls)
	})
}

// A paused node's traffic is frozen: its peers suspect it and declare it
// dead; after Lift its held traffic arrives, it refutes, and it is alive
// in every view again.
func TestPauseMemberlistNodeDeclaredDeadThenReturns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, jitter())
		var logs lockedBuffer
		mls := startMemberlist(t, clusterHosts(t, n, 3), &logs)
		f := n.NewFault("pause node2")
		f.Pause("node2")
		paused := time.Now()
		var gone time.Duration
		for elapsed(paused) < 12*time.Second {
			time.Sleep(50 * ms)
			if gone == 0 && !listed(mls[0], "node2") && !listed(mls[1], "node2") {
				gone = elapsed(paused)
			}
		}
		for _, peer := range []string{"node0", "node1"} {
			if !strings.Contains(logs.String(), peer+" [INFO] memberlist: Suspect node2 has failed") {
				t.Errorf("%s never suspected node2", peer)
			}
		}
		if gone == 0 {
			t.Fatal("node2's peers did not declare it dead during a 12s pause")
		}
		t.Logf("node2 declared dead by both peers %v into the pause", gone)
		e := f.Effect()
		if e.PacketsHeld == 0 || e.PacketsDropped != 0 {
			t.Fatalf("effect %+v: want packets held, none dropped", e)
		}
		f.Lift()
		waitFor(t, 30*time.Second, "node2 back in every view", func() bool { return converged(mls, 3) })
		if st := n.Stats(); st.PacketsDroppedPauseQueue != 0 || st.PacketsHeld != e.PacketsHeld {
			t.Fatalf("stats %+v", st)
		}
		shutdownMemberlist(t, mls)
	})
}
