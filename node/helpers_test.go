package node

import (
	"github.com/consim/consim/node/serf"

	"bytes"
	"fmt"
	"math/rand"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/netmodel"
)

// Ports every test agent uses, on its own host.
const (
	testGossipPort = 8301
	testRaftPort   = 8300
)

// memberEvent is one Observer.MemberStatus call, stamped with the virtual time since the
// recorder was made.
type memberEvent struct {
	at           time.Duration
	self, member string
	status       serf.MemberStatus
	addr         string
}

// raftEvent is one Observer.RaftState call.
type raftEvent struct {
	at    time.Duration
	self  string
	state string
	term  uint64
}

// recorder is an Observer that keeps every call, in arrival order. It is shared by all
// agents of a test cluster: each call carries the reporting agent's name.
type recorder struct {
	start time.Time

	mu      sync.Mutex
	members []memberEvent
	rafts   []raftEvent
}

var _ Observer = (*recorder)(nil)

func newRecorder() *recorder { return &recorder{start: time.Now()} }

func (r *recorder) MemberStatus(self, member string, status serf.MemberStatus, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.members = append(r.members, memberEvent{time.Since(r.start), self, member, status, addr})
}

func (r *recorder) RaftState(self, state string, term uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rafts = append(r.rafts, raftEvent{time.Since(r.start), self, state, term})
}

// latest returns the last MemberStatus self reported about member.
func (r *recorder) latest(self, member string) (memberEvent, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.members) - 1; i >= 0; i-- {
		if e := r.members[i]; e.self == self && e.member == member {
			return e, true
		}
	}
	return memberEvent{}, false
}

// firstSeen returns when self first reported member with the given status.
func (r *recorder) firstSeen(self, member string, status serf.MemberStatus) (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.members {
		if e.self == self && e.member == member && e.status == status {
			return e.at, true
		}
	}
	return 0, false
}

// memberEvents returns a copy of every MemberStatus call so far.
func (r *recorder) memberEvents() []memberEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.members)
}

// raftEvents returns the RaftState calls self made, in order.
func (r *recorder) raftEvents(self string) []raftEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []raftEvent
	for _, e := range r.rafts {
		if e.self == self {
			out = append(out, e)
		}
	}
	return out
}

// syncBuffer collects an agent's log lines, printed if the test fails.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testAgent is one host of a test cluster and the agent on it.
type testAgent struct {
	log    *syncBuffer
	name   string
	addr   string
	server bool
	host   *netmodel.Host
	agent  *Agent
	down   bool // crashed and shut down by the test
}

func (a *testAgent) gossipAddr() string {
	return net.JoinHostPort(a.addr, strconv.Itoa(testGossipPort))
}

// cluster is a set of agents on one virtual network. Build it inside a synctest bubble.
type cluster struct {
	t      *testing.T
	net    *netmodel.Network
	rec    *recorder
	gossip *gossipLog
	agents []*testAgent // servers first, then clients
	start  time.Time
}

// newCluster starts `servers` raft servers (server-1.., 127.0.1.x, bootstrapped with all
// of them as voters) and `clients` gossip-only agents (client-1.., 127.0.2.x). No agent
// has joined anyone yet. Links have a 2 ms ± 0.5 ms one-way latency drawn from seed.
func newCluster(t *testing.T, seed int64, servers, clients int) *cluster {
	t.Helper()
	return newClusterWith(t, seed, servers, clients, nil)
}

// newClusterWith is newCluster with a hook that adjusts each agent's config before it
// starts (listeners for the HTTP API, say).
func newClusterWith(t *testing.T, seed int64, servers, clients int, hook func(*testAgent, *Config)) *cluster {
	t.Helper()
	n, err := netmodel.New(netmodel.Config{
		Rand: rand.New(rand.NewSource(seed)),
		Link: netmodel.LinkConfig{Latency: netmodel.Latency{
			Dist: netmodel.DistNormal, Mean: 2 * time.Millisecond, Stddev: time.Millisecond / 2,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, net: n, rec: newRecorder(), gossip: newGossipLog(), start: time.Now()}
	for i := 1; i <= servers; i++ {
		c.agents = append(c.agents, &testAgent{name: fmt.Sprintf("server-%d", i), addr: fmt.Sprintf("127.0.1.%d", i), server: true})
	}
	for i := 1; i <= clients; i++ {
		c.agents = append(c.agents, &testAgent{name: fmt.Sprintf("client-%d", i), addr: fmt.Sprintf("127.0.2.%d", i)})
	}
	var voters []raft.Server
	for _, a := range c.agents {
		a.log = &syncBuffer{}
		if a.host, err = n.AddHost(a.name, a.addr); err != nil {
			t.Fatal(err)
		}
		if a.server {
			voters = append(voters, raft.Server{
				Suffrage: raft.Voter,
				ID:       raft.ServerID(a.name),
				Address:  raft.ServerAddress(net.JoinHostPort(a.addr, strconv.Itoa(testRaftPort))),
			})
		}
	}
	// Shut down whatever started if a later agent fails, so the bubble still ends clean.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("network stats: %+v", n.Stats())
			for _, a := range c.agents {
				t.Logf("log of %s:\n%s", a.name, a.log.String())
			}
		}
	})
	t.Cleanup(c.shutdown)
	for _, a := range c.agents {
		cfg := Config{
			Name:       a.name,
			Addr:       a.addr,
			GossipPort: testGossipPort,
			Transport:  c.memberlistTransport(a),
			Server:     a.server,
			Observer:   c.rec,
			LogOutput:  a.log,
			// Every record of the gossip layer, for the gossip tests (gossip_test.go).
			GossipObserver: c.gossip,
		}
		if a.server {
			if cfg.RaftLayer, err = netmodel.NewRaftLayer(a.host, a.addr, testRaftPort); err != nil {
				t.Fatal(err)
			}
			cfg.Bootstrap = voters
		}
		if hook != nil {
			hook(a, &cfg)
		}
		if a.agent, err = Start(cfg); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (c *cluster) memberlistTransport(a *testAgent) *netmodel.MemberlistTransport {
	c.t.Helper()
	tr, err := netmodel.NewMemberlistTransport(a.host, a.addr, testGossipPort)
	if err != nil {
		c.t.Fatal(err)
	}
	return tr
}

// get returns the agent with the given name.
func (c *cluster) get(name string) *testAgent {
	for _, a := range c.agents {
		if a.name == name {
			return a
		}
	}
	c.t.Fatalf("no agent %s", name)
	return nil
}

// servers returns the server agents.
func (c *cluster) servers() []*testAgent {
	var out []*testAgent
	for _, a := range c.agents {
		if a.server {
			out = append(out, a)
		}
	}
	return out
}

// live returns the agents the test has not crashed.
func (c *cluster) live() []*testAgent {
	var out []*testAgent
	for _, a := range c.agents {
		if !a.down {
			out = append(out, a)
		}
	}
	return out
}

// join makes `who` join the gossip pool through `via` and requires exactly one answer.
func (c *cluster) join(who, via string) {
	c.t.Helper()
	n, err := c.get(who).agent.Join(c.get(via).gossipAddr())
	if err != nil || n != 1 {
		c.t.Fatalf("%s joins via %s: %d answered, %v", who, via, n, err)
	}
}

// crash takes an agent's host down and shuts the agent down without a leave message.
func (c *cluster) crash(name string) {
	c.t.Helper()
	a := c.get(name)
	a.host.Crash()
	if err := a.agent.Shutdown(); err != nil {
		c.t.Fatalf("shutdown of crashed %s: %v", name, err)
	}
	a.down = true
}

// shutdown stops every agent still running, then lets memberlist's leftovers end.
// Idempotent; registered as a cleanup.
//
// memberlist's Shutdown does not wait for the goroutines it started for a probe or a
// push-pull in flight: they end on their own timers (an ack timeout or a dial deadline
// of up to ProbeInterval, a stream deadline of up to TCPTimeout). synctest stops the
// clock once the test function returns, so such a goroutine would be reported as
// leaked; sleeping past the longest of those timers lets them finish, and anything
// still running after that is a real leak the bubble reports.
func (c *cluster) shutdown() {
	for _, a := range c.agents {
		if a.agent == nil || a.down {
			continue
		}
		if err := a.agent.Shutdown(); err != nil {
			c.t.Errorf("shutdown %s: %v", a.name, err)
		}
		a.down = true
	}
	drainMemberlist()
}

// lanConfig is the memberlist configuration the test agents run with (LAN profile).
var lanConfig = newMemberlistConfig(&Config{})

// drainMemberlist sleeps past every timer a shut-down LAN-profile memberlist may still
// have goroutines waiting on.
func drainMemberlist() {
	time.Sleep(max(lanConfig.ProbeInterval, lanConfig.TCPTimeout) + time.Second)
}

// waitFor polls cond every 10 ms of virtual time and returns how long it took to hold,
// or fails the test once limit has passed.
func (c *cluster) waitFor(limit time.Duration, what string, cond func() bool) time.Duration {
	c.t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			c.t.Fatalf("%s: not reached within %v of virtual time", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// waitForAllAlive waits until allSeeAlive holds and fails with the reason if it does not
// within limit.
func (c *cluster) waitForAllAlive(limit time.Duration) {
	c.t.Helper()
	start := time.Now()
	for {
		why := c.notAllAlive()
		if why == "" {
			return
		}
		if time.Since(start) > limit {
			c.t.Fatalf("gossip not converged within %v of virtual time: %s", limit, why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// leader returns the single server in the Leader state, or nil if there is none; it fails
// the test if there are several.
func (c *cluster) leader() *testAgent {
	c.t.Helper()
	var leaders []string
	var out *testAgent
	for _, a := range c.servers() {
		if a.down {
			continue
		}
		if a.agent.Raft().State() == raft.Leader {
			leaders = append(leaders, a.name)
			out = a
		}
	}
	if len(leaders) > 1 {
		c.t.Fatalf("several leaders at once: %v", leaders)
	}
	return out
}

// allSeeAlive reports whether every live agent's Observer last reported every live agent
// (itself included) alive at its gossip address, and memberlist agrees on the count.
func (c *cluster) allSeeAlive() bool { return c.notAllAlive() == "" }

// notAllAlive says why allSeeAlive is false, or returns "".
func (c *cluster) notAllAlive() string {
	live := c.live()
	for _, self := range live {
		if n := self.agent.AliveMembers(); n != len(live) {
			var names []string
			for _, m := range self.agent.Members() {
				names = append(names, m.Name+"="+m.Status.String())
			}
			var evs []memberEvent
			for _, e := range c.rec.memberEvents() {
				if e.self == self.name {
					evs = append(evs, e)
				}
			}
			return fmt.Sprintf("%s counts %d alive members %v, want %d; it reported %+v", self.name, n, names, len(live), evs)
		}
		for _, m := range live {
			e, ok := c.rec.latest(self.name, m.name)
			if !ok || e.status != serf.StatusAlive || e.addr != m.gossipAddr() {
				return fmt.Sprintf("%s last reported %s as %+v (reported: %v)", self.name, m.name, e, ok)
			}
		}
	}
	return ""
}

// convergedAt is when the last live agent first reported the last live member alive,
// since the recorder was made.
func (c *cluster) convergedAt() time.Duration {
	var last time.Duration
	for _, self := range c.live() {
		for _, m := range c.live() {
			at, ok := c.rec.firstSeen(self.name, m.name, serf.StatusAlive)
			if !ok {
				c.t.Fatalf("%s never saw %s alive", self.name, m.name)
			}
			last = max(last, at)
		}
	}
	return last
}

// elapsed is the virtual time since the cluster was built.
func (c *cluster) elapsed() time.Duration { return time.Since(c.start) }
