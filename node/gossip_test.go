package node

import (
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/node/serf"
	"github.com/consim/consim/node/serf/filter"
)

// gossipLog keeps every record of the agents' gossip layers.
type gossipLog struct {
	mu   sync.Mutex
	recs []serf.Record
}

func newGossipLog() *gossipLog { return &gossipLog{} }

func (g *gossipLog) Observe(r serf.Record) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.recs = append(g.recs, r)
}

func (g *gossipLog) find(keep func(serf.Record) bool) []serf.Record {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []serf.Record
	for _, r := range g.recs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// statuses returns what self's Observer reported about member, in order.
func (c *cluster) statuses(self, member string) []serf.MemberStatus {
	var out []serf.MemberStatus
	for _, e := range c.rec.memberEvents() {
		if e.self == self && e.member == member {
			out = append(out, e.status)
		}
	}
	return out
}

// A client that leaves gracefully is reported leaving, then left, by every agent (itself
// included), and never failed. Before the Serf layer, memberlist v0.7.0's NotifyLeave
// (which never sets Node.State) made every leave look like a failure.
func TestGracefulLeaveIsReportedLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 11, 3, 2)
		joinMixed(c)
		c.waitForAllAlive(convergeBound)
		leaver := c.get("client-2")
		if err := leaver.agent.Leave(); err != nil {
			t.Fatal(err)
		}
		if err := leaver.agent.Shutdown(); err != nil {
			t.Fatal(err)
		}
		leaver.down = true
		c.waitFor(10*time.Second, "every agent reports client-2 left", func() bool {
			for _, a := range c.agents {
				if e, _ := c.rec.latest(a.name, "client-2"); e.status != serf.StatusLeft {
					return false
				}
			}
			return true
		})
		for _, a := range c.agents {
			if got := c.statuses(a.name, "client-2"); !slices.Equal(got, []serf.MemberStatus{serf.StatusAlive, serf.StatusLeaving, serf.StatusLeft}) {
				t.Errorf("%s reported client-2 as %v, want alive, leaving, left", a.name, got)
			}
		}
		c.waitForAllAlive(time.Second)
		c.shutdown()
	})
}

// Bad input gets a clear error and leaves the cluster running: a join address that is
// not an IP literal, a join to an address where nobody listens, an oversized user event,
// an unknown handler filter.
func TestBadGossipInputKeepsClusterRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 12, 1, 2)
		c.join("client-1", "server-1")
		c.join("client-2", "client-1")
		c.waitForAllAlive(convergeBound)
		a := c.get("client-1").agent

		if _, err := a.Join("consul.example:8301"); err == nil || !strings.Contains(err.Error(), "is not an IP address") {
			t.Errorf("join by name: %v", err)
		}
		start := time.Now()
		n, err := a.Join("127.0.9.9:8301")
		if err == nil || n != 0 || !strings.Contains(err.Error(), "127.0.9.9:8301") || !strings.Contains(err.Error(), "node client-1") {
			t.Errorf("join to a missing address: %d, %v", n, err)
		}
		t.Logf("join to nowhere failed after %v virtual: %v", time.Since(start), err)

		if _, err := a.FireEvent("deploy", make([]byte, 600), serf.EventOptions{}); err == nil ||
			!strings.Contains(err.Error(), "name + payload are 606 bytes, over the limit of 512") {
			t.Errorf("oversized event: %v", err)
		}
		if err := a.AddHandler(serf.HandlerSpec{Name: "h", Filter: "member-join,user:deploy,membr-leave", Handler: serf.HandlerFunc(func(serf.Event) {})}); err == nil ||
			!strings.Contains(err.Error(), `unknown event "membr-leave"`) {
			t.Errorf("bad filter: %v", err)
		}

		// Still one healthy cluster: an event fired now reaches everyone.
		lt, err := a.FireEvent("deploy", []byte("v2"), serf.EventOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c.waitFor(convergeBound, "every agent delivers the event", func() bool {
			return len(c.gossip.find(func(r serf.Record) bool {
				return r.Kind == serf.RecordEventDelivered && r.Event.LTime == lt && r.Event.Origin == "client-1"
			})) == 3
		})
		c.waitForAllAlive(time.Second)
		c.shutdown()
	})
}

// Agents advertise their role in tags, so any agent can list the servers; tags set at
// run time reach everyone; user events can target tags; queries collect answers.
func TestAgentTagsEventsAndQueries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 13, 3, 2)
		joinMixed(c)
		c.waitForAllAlive(convergeBound)
		client := c.get("client-2").agent
		if got := names(client.Servers()); !slices.Equal(got, []string{"server-1", "server-2", "server-3"}) {
			t.Errorf("client-2 sees servers %v", got)
		}
		if client.Tags()[TagRole] != RoleClient || c.get("server-1").agent.LocalMember().Tags[TagRole] != RoleServer {
			t.Errorf("role tags: %v, %v", client.Tags(), c.get("server-1").agent.LocalMember().Tags)
		}
		if err := client.SetTags(map[string]string{TagRole: RoleClient, "version": "2"}); err != nil {
			t.Fatal(err)
		}
		c.waitFor(convergeBound, "every agent sees client-2's version tag", func() bool {
			for _, a := range c.agents {
				for _, m := range a.agent.Members() {
					if m.Name == "client-2" && m.Tags["version"] != "2" {
						return false
					}
				}
			}
			return true
		})

		f := filter.Filter{Tags: map[string]string{TagRole: RoleServer}}
		lt, err := client.FireEvent("reload", nil, serf.EventOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.servers() {
			if err := s.agent.AddHandler(serf.HandlerSpec{Name: "ping", Filter: "query:ping", Handler: serf.HandlerFunc(func(e serf.Event) {
				e.(*serf.Query).Respond([]byte("pong"))
			})}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := c.get("client-1").agent.Query("ping", nil, &serf.QueryParams{RequestAck: true, Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		var from []string
		for resp := range r.ResponseCh() {
			from = append(from, resp.From)
		}
		slices.Sort(from)
		if !slices.Equal(from, []string{"server-1", "server-2", "server-3"}) {
			t.Errorf("ping answered by %v", from)
		}
		var got []string
		for _, rec := range c.gossip.find(func(r serf.Record) bool { return r.Kind == serf.RecordEventDelivered && r.Event.LTime == lt }) {
			got = append(got, rec.Self)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"server-1", "server-2", "server-3"}) {
			t.Errorf("the server-only event was delivered on %v", got)
		}
		c.shutdown()
	})
}

// A failed member can be forced out through the agent, and then reads as left.
func TestAgentForceLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 14, 1, 3)
		c.join("client-1", "server-1")
		c.join("client-2", "server-1")
		c.join("client-3", "server-1")
		c.waitForAllAlive(convergeBound)
		if err := c.get("server-1").agent.ForceLeave("client-2", false); err == nil || !strings.Contains(err.Error(), "member is alive") {
			t.Errorf("force-leave of a live member: %v", err)
		}
		c.crash("client-3")
		c.waitFor(30*time.Second, "client-3 failed everywhere", func() bool {
			for _, a := range c.live() {
				if e, _ := c.rec.latest(a.name, "client-3"); e.status != serf.StatusFailed {
					return false
				}
			}
			return true
		})
		if err := c.get("server-1").agent.ForceLeave("client-3", false); err != nil {
			t.Fatal(err)
		}
		c.waitFor(convergeBound, "client-3 left everywhere", func() bool {
			for _, a := range c.live() {
				if e, _ := c.rec.latest(a.name, "client-3"); e.status != serf.StatusLeft {
					return false
				}
			}
			return true
		})
		c.shutdown()
	})
}

// A handler filter in Config is checked at Start: an unknown event fails the start
// cleanly (nothing left running).
func TestStartRejectsBadHandlerFilter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, err := netmodel.New(netmodel.Config{Rand: rand.New(rand.NewSource(1))})
		if err != nil {
			t.Fatal(err)
		}
		h, err := n.AddHost("client-1", "127.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		tr, err := netmodel.NewMemberlistTransport(h, "", testGossipPort)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Start(Config{Name: "client-1", Addr: "127.0.2.1", GossipPort: testGossipPort, Transport: tr,
			Handlers: []serf.HandlerSpec{{Name: "h", Filter: "user:deploy,reap", Handler: serf.HandlerFunc(func(serf.Event) {})}}})
		if err == nil || a != nil || !strings.Contains(err.Error(), `unknown event "reap"`) {
			t.Fatalf("Start with a bad filter: %v, %v", a, err)
		}
		tr.Shutdown()
	})
}

func names(ms []serf.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}
