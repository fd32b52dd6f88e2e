package node

import (
	"github.com/consim/consim/node/serf"

	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
)

// joinMixed joins a 3-server, 2-client cluster along a chain, so most members learn about
// each other through gossip rather than from their join target: server-2 via server-1,
// server-3 via server-2, client-1 via server-3, client-2 via client-1 (a gossip-only
// member).
func joinMixed(c *cluster) {
	c.join("server-2", "server-1")
	c.join("server-3", "server-2")
	c.join("client-1", "server-3")
	c.join("client-2", "client-1")
}

// convergeBound is how long gossip may take to show every member to every member.
// Usually one gossip interval (200 ms) is enough, but memberlist's broadcasts are
// best-effort: each is sent RetransmitMult x ceil(log10(n+1)) = 4 times in a 5-member
// cluster, pings and acks piggyback them too, and now and then a member misses a join
// entirely (about 1 run in 100 here). The guarantee is push-pull anti-entropy: a full
// state exchange with a random peer every PushPullInterval (30 s on LAN), the first one
// only after a random stagger below the interval plus one interval, so up to 60 s.
var convergeBound = 2*lanConfig.PushPullInterval + 5*time.Second

// waitForStableLeader waits until exactly one server leads and every server names it as
// its leader, and returns it.
func waitForStableLeader(c *cluster, limit time.Duration) *testAgent {
	c.t.Helper()
	var l *testAgent
	c.waitFor(limit, "one leader known to every server", func() bool {
		l = c.leader()
		if l == nil {
			return false
		}
		for _, s := range c.servers() {
			if s.down {
				continue
			}
			if _, id := s.agent.Raft().LeaderWithID(); id != raft.ServerID(l.name) {
				return false
			}
		}
		return true
	})
	return l
}

// becameLeaderAt is when the server's Observer last heard it became leader.
func (c *cluster) becameLeaderAt(s *testAgent) time.Duration {
	c.t.Helper()
	evs := c.rec.raftEvents(s.name)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].state == "leader" {
			return evs[i].at
		}
	}
	c.t.Fatalf("%s never reported leader: %+v", s.name, evs)
	return 0
}

func TestClusterElectsConvergesAndReplicates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 1, 3, 2)
		joinMixed(c)

		leader := waitForStableLeader(c, 10*time.Second)
		t.Logf("leader %s elected at %v virtual, known to all servers by %v", leader.name, c.becameLeaderAt(leader), c.elapsed())
		c.waitForAllAlive(convergeBound)
		t.Logf("gossip converged (every Observer saw all 5 alive) at %v virtual", c.convergedAt())

		// Nothing a client is asked to do touches raft.
		client := c.get("client-1").agent
		if client.IsServer() || client.Raft() != nil || client.Applied() != 0 {
			t.Fatalf("client-1 looks like a server: IsServer %v, Raft %v", client.IsServer(), client.Raft())
		}
		if state, term := client.RaftState(); state != "" || term != 0 {
			t.Fatalf("client RaftState = %q, %d; want \"\", 0", state, term)
		}
		if err := client.Apply([]byte("x"), time.Second); err == nil || !strings.Contains(err.Error(), "not a server") {
			t.Fatalf("Apply on a client: %v", err)
		}

		const entries = 50
		for i := range entries {
			if err := leader.agent.Apply([]byte{byte(i)}, time.Second); err != nil {
				t.Fatalf("apply %d on leader %s: %v", i, leader.name, err)
			}
		}
		applyStart := time.Now()
		c.waitFor(5*time.Second, "every server applied every entry", func() bool {
			for _, s := range c.servers() {
				if s.agent.Applied() != entries {
					return false
				}
			}
			return true
		})
		t.Logf("%d entries applied on all servers %v after the last Apply returned", entries, time.Since(applyStart))

		for _, s := range c.servers() {
			if s == leader {
				continue
			}
			err := s.agent.Apply([]byte("on a follower"), time.Second)
			if !errors.Is(err, raft.ErrNotLeader) {
				t.Fatalf("Apply on follower %s: %v, want raft.ErrNotLeader", s.name, err)
			}
			if !strings.Contains(err.Error(), s.name) {
				t.Errorf("Apply error %q does not name the node", err)
			}
		}

		// A healthy network keeps the same leader and term, and the refused applies left
		// no trace in any state machine.
		_, term := leader.agent.RaftState()
		time.Sleep(5 * time.Second)
		if l := c.leader(); l != leader {
			t.Fatalf("leadership moved on a healthy network: %v", l)
		}
		if _, now := leader.agent.RaftState(); now != term {
			t.Fatalf("term moved on a healthy network: %d -> %d", term, now)
		}
		for _, s := range c.servers() {
			if got := s.agent.Applied(); got != entries {
				t.Fatalf("%s applied %d entries, want %d", s.name, got, entries)
			}
		}
		if !c.allSeeAlive() {
			t.Fatal("gossip lost a member on a healthy network")
		}
		for _, e := range c.rec.memberEvents() {
			if e.status != serf.StatusAlive {
				t.Fatalf("%s saw %s %s at %v on a healthy network", e.self, e.member, e.status, e.at)
			}
		}
		c.shutdown()
	})
}

func TestRaftStateObservations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 2, 3, 0)
		// Start reports each server's state synchronously, before anything can change it.
		for _, s := range c.servers() {
			evs := c.rec.raftEvents(s.name)
			// BootstrapCluster stores term 1.
			if len(evs) != 1 || evs[0].state != "follower" || evs[0].term != 1 {
				t.Fatalf("%s at start reported %+v, want one follower report in term 1", s.name, evs)
			}
		}
		c.join("server-2", "server-1")
		c.join("server-3", "server-1")
		leader := waitForStableLeader(c, 10*time.Second)
		state, term := leader.agent.RaftState()
		if state != "leader" || term < 1 {
			t.Fatalf("leader %s RaftState() = %q, %d", leader.name, state, term)
		}
		// The Observer hears of it from a watcher goroutine, without delay on the
		// virtual clock.
		c.waitFor(time.Second, "the leader's Observer report", func() bool {
			evs := c.rec.raftEvents(leader.name)
			last := evs[len(evs)-1]
			return last.state == "leader"
		})
		t.Logf("leader %s elected at %v virtual in term %d", leader.name, c.becameLeaderAt(leader), term)
		c.shutdown()

		for _, s := range c.servers() {
			evs := c.rec.raftEvents(s.name)
			first := evs[0]
			for i := 1; i < len(evs); i++ {
				if evs[i].term < evs[i-1].term {
					t.Errorf("%s: term went back from %d to %d: %+v", s.name, evs[i-1].term, evs[i].term, evs)
				}
				if evs[i].state == evs[i-1].state && evs[i].term == evs[i-1].term {
					t.Errorf("%s: reported the same state twice: %+v", s.name, evs)
				}
			}
			if s != leader {
				continue
			}
			// The leader campaigned before it led, in a term above the bootstrap one.
			var sawCandidate, sawLeader bool
			for _, e := range evs {
				switch e.state {
				case "candidate":
					sawCandidate = true
				case "leader":
					if !sawCandidate {
						t.Errorf("%s led without campaigning: %+v", s.name, evs)
					}
					if e.term != term || e.term <= first.term {
						t.Errorf("%s reported leader in term %d; raft says %d, started in %d", s.name, e.term, term, first.term)
					}
					sawLeader = true
				}
			}
			if !sawLeader {
				t.Errorf("%s never reported leader: %+v", s.name, evs)
			}
			t.Logf("%s: %+v", s.name, evs)
		}
	})
}

func TestCrashedClientIsReportedFailed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 3, 3, 2)
		joinMixed(c)
		c.waitForAllAlive(convergeBound)
		t.Logf("converged at %v virtual", c.convergedAt())

		// LAN profile, 5 members: a probe every 1 s round-robins over 4 peers, so the
		// crashed node is probed within a few seconds; Lifeguard's suspicion timeout is
		// 4 x log10(5) x 1 s = 2.8 s with confirmations, at most 6x that (16.8 s) without.
		// 30 s covers the worst case with room for the dead message to gossip.
		const bound = 30 * time.Second
		c.crash("client-1")
		crashedAt := time.Since(c.rec.start)
		c.waitFor(bound, "every survivor reports client-1 failed", func() bool {
			for _, a := range c.live() {
				if e, _ := c.rec.latest(a.name, "client-1"); e.status != serf.StatusFailed {
					return false
				}
			}
			return true
		})
		var detected []string
		for _, a := range c.live() {
			at, _ := c.rec.firstSeen(a.name, "client-1", serf.StatusFailed)
			detected = append(detected, fmt.Sprintf("%s +%v", a.name, at-crashedAt))
		}
		t.Logf("client-1 crashed at %v virtual; reported failed by %v", crashedAt, detected)

		for _, e := range c.rec.memberEvents() {
			if e.status == serf.StatusLeft {
				t.Errorf("%s reported %s left; a crash must read as failed", e.self, e.member)
			}
			if e.status == serf.StatusFailed && e.member != "client-1" {
				t.Errorf("%s reported %s failed at %v; only client-1 crashed", e.self, e.member, e.at)
			}
			if e.status == serf.StatusFailed && e.addr != c.get("client-1").gossipAddr() {
				t.Errorf("failure of client-1 reported at address %s", e.addr)
			}
		}
		// The survivors still see one another, and only one another.
		if !c.allSeeAlive() {
			for _, a := range c.live() {
				t.Logf("%s sees %d alive", a.name, a.agent.AliveMembers())
			}
			t.Fatal("survivors do not all see each other alive")
		}
		c.shutdown()
	})
}
