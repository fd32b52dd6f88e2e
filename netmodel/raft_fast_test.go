package netmodel

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
)

// Three raft servers on RaftTransport elect a leader and replicate; cutting the leader
// off (streams only: the messages are held like stream bytes) makes the other two elect
// a new one, and after the heal all three hold every entry; shutting down leaves no
// goroutine behind (synctest checks).
func TestRaftTransportElectsFailsOverAndHeals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: LinkConfig{Latency: Latency{Dist: DistNormal, Mean: 2 * ms, Stddev: ms / 2}}})
		var hosts []*Host
		for i := range 3 {
			hosts = append(hosts, addHost(t, n, fmt.Sprintf("server%d", i), fmt.Sprintf("127.0.0.%d", i+1)))
		}
		start := time.Now()
		rc := startRaftWith(t, hosts, true)
		old := rc.leader(t, 30*time.Second)
		for i := range 50 {
			if err := old.Apply([]byte{byte(i)}, time.Second).Error(); err != nil {
				t.Fatalf("apply %d: %v", i, err)
			}
		}
		var oldName string
		for i, r := range rc.rafts {
			if r == old {
				oldName = hosts[i].Name()
			}
		}
		f := n.NewFault("isolate " + oldName)
		for _, h := range hosts {
			if h.Name() != oldName {
				f.Block(oldName, h.Name(), Streams)
				f.Block(h.Name(), oldName, Streams)
			}
		}
		var next *raft.Raft
		waitFor(t, 30*time.Second, "a new leader", func() bool {
			for _, r := range rc.rafts {
				if r != old && r.State() == raft.Leader {
					next = r
					return true
				}
			}
			return false
		})
		if err := next.Apply([]byte{50}, time.Second).Error(); err != nil {
			t.Fatalf("apply on the new leader: %v", err)
		}
		if tr := f.Effect(); tr.SegmentsHeld == 0 {
			t.Fatalf("the cut held no raft message: %+v", tr)
		}
		t.Logf("new leader at %v of virtual time; the cut held %d segments", elapsed(start), f.Effect().SegmentsHeld)
		f.Lift()
		waitFor(t, 30*time.Second, "every entry everywhere", func() bool {
			a := rc.applied()
			return a[0] == 51 && a[1] == 51 && a[2] == 51
		})
		if old.State() == raft.Leader {
			t.Fatal("the old leader still leads after the heal")
		}
		if st := n.Stats(); st.StreamsOpened == 0 || st.StreamBytes == 0 {
			t.Fatalf("stats %+v", st)
		}
		rc.shutdown(t)
	})
}
