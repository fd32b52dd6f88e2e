package serf

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/consim/consim/netmodel"
)

const testPort = 7946

// pushPullBound is how long anti-entropy may take to repair what gossip missed: memberlist
// broadcasts are best-effort (each is sent RetransmitMult x ceil(log10(n+1)) times, to
// random members, dead ones included), and now and then a member misses every copy. A
// push-pull with a random peer runs every PushPullInterval (30 s on LAN), the first after
// a random stagger below it, so a member is repaired within two intervals.
var pushPullBound = 2*lanConfig.PushPullInterval + 5*time.Second

// lanConfig holds memberlist's LAN timings, for the bounds above and the drain below.
var lanConfig = memberlist.DefaultLANConfig()

// stamped is a Record with the virtual time it was observed at.
type stamped struct {
	at time.Duration
	Record
}

// recorder keeps every Record of every node of a test cluster, in arrival order.
type recorder struct {
	start time.Time
	mu    sync.Mutex
	recs  []stamped
}

func (r *recorder) Observe(rec Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, stamped{time.Since(r.start), rec})
}

// find returns the records for which keep holds.
func (r *recorder) find(keep func(Record) bool) []stamped {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []stamped
	for _, s := range r.recs {
		if keep(s.Record) {
			out = append(out, s)
		}
	}
	return out
}

// statuses returns the statuses self reported for member, in order.
func (r *recorder) statuses(self, member string) []MemberStatus {
	var out []MemberStatus
	for _, s := range r.find(func(rec Record) bool {
		return rec.Kind == RecordMember && rec.Self == self && rec.Member.Name == member
	}) {
		out = append(out, s.Member.Status)
	}
	return out
}

// delivered returns the user events delivered on self, in order.
func (r *recorder) delivered(self string) []UserEvent {
	var out []UserEvent
	for _, s := range r.find(func(rec Record) bool { return rec.Kind == RecordEventDelivered && rec.Self == self }) {
		out = append(out, *s.Event)
	}
	return out
}

// handled returns the events handed to self's recording handler, in order.
func (r *recorder) handled(self string) []Event {
	var out []Event
	for _, s := range r.find(func(rec Record) bool { return rec.Kind == RecordHandler && rec.Self == self && rec.Handler == "all" }) {
		out = append(out, s.HandlerEvent)
	}
	return out
}

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

type testNode struct {
	name string
	addr string
	host *netmodel.Host
	s    *Serf
	log  *syncBuffer
	down bool
}

func (n *testNode) gossipAddr() string { return n.addr + ":" + strconv.Itoa(testPort) }

// cluster is a set of Serf nodes on one virtual network, built inside a synctest
// bubble. Every node has a handler named "all" ("*") that answers queries with its name.
type cluster struct {
	t     *testing.T
	net   *netmodel.Network
	rec   *recorder
	nodes []*testNode
	seed  int64
}

// setup configures a node before it starts (options, tags, handlers).
type setup func(name string, cfg *Config)

// newCluster starts n nodes named node-1.. at 127.0.0.1.., none joined yet, on links
// of 2 ms ± 0.5 ms and the given packet loss.
func newCluster(t *testing.T, seed int64, n int, loss float64, fns ...setup) *cluster {
	t.Helper()
	nw, err := netmodel.New(netmodel.Config{
		Rand: rand.New(rand.NewSource(seed)),
		Link: netmodel.LinkConfig{
			Latency: netmodel.Latency{Dist: netmodel.DistNormal, Mean: 2 * time.Millisecond, Stddev: time.Millisecond / 2},
			Loss:    loss,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, net: nw, rec: &recorder{start: time.Now()}, seed: seed}
	t.Cleanup(func() {
		if t.Failed() {
			for _, nd := range c.nodes {
				t.Logf("log of %s:\n%s", nd.name, nd.log.String())
			}
		}
	})
	t.Cleanup(c.shutdown)
	for i := 1; i <= n; i++ {
		c.add(fmt.Sprintf("node-%d", i), fns...)
	}
	return c
}

// add starts one more node.
func (c *cluster) add(name string, fns ...setup) *testNode {
	c.t.Helper()
	nd := &testNode{name: name, addr: fmt.Sprintf("127.0.0.%d", len(c.nodes)+1), log: &syncBuffer{}}
	var err error
	if nd.host, err = c.net.AddHost(name, nd.addr); err != nil {
		c.t.Fatal(err)
	}
	c.nodes = append(c.nodes, nd)
	c.start(nd, fns...)
	return nd
}

// start starts the Serf of nd (again, after a crash).
func (c *cluster) start(nd *testNode, fns ...setup) {
	c.t.Helper()
	tr, err := netmodel.NewMemberlistTransport(nd.host, nd.addr, testPort)
	if err != nil {
		c.t.Fatal(err)
	}
	mc := memberlist.DefaultLANConfig()
	mc.Transport = tr
	mc.AdvertiseAddr, mc.AdvertisePort = nd.addr, testPort
	cfg := Config{
		Name:       nd.name,
		Tags:       map[string]string{"role": "test"},
		Memberlist: mc,
		Rand:       rand.New(rand.NewSource(c.seed + int64(len(c.nodes)))),
		Observer:   c.rec,
		LogOutput:  nd.log,
		Handlers: []HandlerSpec{{Name: "all", Filter: "*", Handler: HandlerFunc(func(e Event) {
			if q, ok := e.(*Query); ok {
				q.Respond([]byte("answer from " + nd.name))
			}
		})}},
	}
	for _, fn := range fns {
		fn(nd.name, &cfg)
	}
	if nd.s, err = Create(cfg); err != nil {
		c.t.Fatal(err)
	}
	nd.down = false
}

func (c *cluster) get(name string) *testNode {
	for _, nd := range c.nodes {
		if nd.name == name {
			return nd
		}
	}
	c.t.Fatalf("no node %s", name)
	return nil
}

func (c *cluster) live() []*testNode {
	var out []*testNode
	for _, nd := range c.nodes {
		if !nd.down {
			out = append(out, nd)
		}
	}
	return out
}

func (c *cluster) join(who, via string) {
	c.t.Helper()
	if n, err := c.get(who).s.Join(c.get(via).gossipAddr()); err != nil || n != 1 {
		c.t.Fatalf("%s joins via %s: %d answered, %v", who, via, n, err)
	}
}

// joinAll joins node-2.. through node-1 and waits until every node sees every node alive.
func (c *cluster) joinAll() {
	c.t.Helper()
	for _, nd := range c.nodes[1:] {
		c.join(nd.name, c.nodes[0].name)
	}
	c.waitAllAlive(pushPullBound)
}

// crash takes a node's host down and shuts its Serf down without a leave.
func (c *cluster) crash(name string) {
	c.t.Helper()
	nd := c.get(name)
	nd.host.Crash()
	if err := nd.s.Shutdown(); err != nil {
		c.t.Fatal(err)
	}
	nd.down = true
}

// shutdown stops every node and lets memberlist's leftovers end on their timers (see
// node/helpers_test.go for why). Idempotent.
func (c *cluster) shutdown() {
	for _, nd := range c.nodes {
		if nd.s != nil && !nd.down {
			if err := nd.s.Shutdown(); err != nil {
				c.t.Errorf("shutdown %s: %v", nd.name, err)
			}
			nd.down = true
		}
	}
	time.Sleep(max(lanConfig.ProbeInterval, lanConfig.TCPTimeout) + time.Second)
}

// waitFor polls cond every 10 ms of virtual time and fails the test after limit.
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

// waitAllAlive waits until every live node sees exactly the live nodes alive.
func (c *cluster) waitAllAlive(limit time.Duration) {
	c.t.Helper()
	c.waitFor(limit, "every live node sees every live node alive", func() bool {
		live := c.live()
		for _, nd := range live {
			if nd.s.NumAlive() != len(live) {
				return false
			}
		}
		return true
	})
}

// status returns how observer sees member now (StatusNone if unknown).
func (c *cluster) status(observer, member string) MemberStatus {
	m, ok := c.get(observer).s.Member(member)
	if !ok {
		return StatusNone
	}
	return m.Status
}

// everyoneSees waits until every live node but member sees member with status want.
func (c *cluster) everyoneSees(limit time.Duration, member string, want MemberStatus) {
	c.t.Helper()
	c.t.Cleanup(func() {
		if c.t.Failed() {
			for _, nd := range c.nodes {
				nd.s.memberMu.Lock()
				if m := nd.s.members[member]; m != nil {
					c.t.Logf("%s (down %v, clock %d) sees %s %s at ltime %d; statuses %v", nd.name, nd.down, nd.s.clock.Time(), member, m.Status, m.statusLTime, c.rec.statuses(nd.name, member))
				}
				nd.s.memberMu.Unlock()
			}
		}
	})
	c.waitFor(limit, fmt.Sprintf("every live node sees %s %s", member, want), func() bool {
		for _, nd := range c.live() {
			if nd.name != member && c.status(nd.name, member) != want {
				return false
			}
		}
		return true
	})
}

// names returns the names of members.
func names(ms []Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	slices.Sort(out)
	return out
}
