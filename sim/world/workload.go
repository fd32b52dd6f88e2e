package world

import (
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// maxInFlight bounds the requests one open-loop client (workload.rate) has outstanding.
// When it is reached the client waits for one to return before starting the next, so its
// schedule slips rather than its memory growing without bound.
const maxInFlight = 64

// workload runs the scenario's workload clients. Each client is a goroutine with a host of
// its own on the virtual network (cN at 127.0.9.N), its own HTTP client and its own random
// source, derived from the run seed and its name, so that adding a client or a draw
// changes no other client's choices.
//
// Clients read the world's node table (which agents run, which server leads) to resolve
// their targets, from their own goroutines. That is safe because the guest is
// single-threaded and cooperative (wasip1): the world's goroutine changes the table only
// between blocking points, never while a client is reading it.
type workload struct {
	w   *World
	cfg scenarios.Workload

	mu      sync.Mutex
	stopped bool // no more events: the run has ended
}

// kvClient is one workload client.
type kvClient struct {
	wl     *workload
	name   string // "c1"
	target string // its via target (scenarios.Via*)
	hc     *http.Client
	rand   *rand.Rand // used only from the client's own goroutine
	seq    int        // ops drawn so far

	mu   sync.Mutex
	seen map[string]uint64 // key -> ModifyIndex of the client's last get of it (0: missing)
}

// startWorkload starts the scenario's workload clients, if it has any, and returns the
// function that stops them from recording anything more; the world calls it before it
// writes run_end. A request in flight then never gets its op_return.
func (w *World) startWorkload() (stop func(), err error) {
	wl := &workload{w: w}
	if err := w.startDiscovery(wl); err != nil { // discovery.go
		return nil, err
	}
	cfg := w.spec.Scenario.Workload
	if cfg == nil {
		return wl.stop, nil
	}
	wl.cfg = *cfg
	for i := 1; i <= cfg.Clients; i++ {
		name := fmt.Sprintf("c%d", i)
		h, err := w.net.AddHost(name, fmt.Sprintf("127.0.9.%d", i))
		if err != nil {
			return nil, fmt.Errorf("world: workload client %s: %w", name, err)
		}
		c := &kvClient{
			wl:     wl,
			name:   name,
			target: cfg.Via[(i-1)%len(cfg.Via)],
			hc:     newHTTPClient(h, maxInFlight),
			rand:   subRand(w.spec.Seed, "workload/"+name),
			seen:   map[string]uint64{},
		}
		go c.run()
	}
	if cfg.Locks != nil {
		if err := w.startLocks(wl); err != nil {
			return nil, err
		}
	}
	return wl.stop, nil
}

func (wl *workload) stop() {
	wl.mu.Lock()
	defer wl.mu.Unlock()
	wl.stopped = true
}

// emit records ev unless the run has ended.
func (wl *workload) emit(ev event.Event) {
	wl.mu.Lock()
	defer wl.mu.Unlock()
	if !wl.stopped {
		wl.w.emit.emit(ev)
	}
}

// stopAt is when clients stop starting operations.
func (wl *workload) stopAt() time.Duration {
	if wl.cfg.Stop > 0 {
		return wl.cfg.Stop.D()
	}
	return wl.w.spec.Scenario.Duration.D()
}

// run is the client's life: wait for the start, then call operations in a closed loop
// (think) or on an open-loop schedule (rate) until the stop time.
func (c *kvClient) run() {
	cfg, w := &c.wl.cfg, c.wl.w
	stop := c.wl.stopAt()
	if cfg.Think > 0 {
		// A random phase, so that clients started together do not call in lockstep.
		w.sleepUntil(cfg.Start.D() + time.Duration(c.rand.Int63n(int64(cfg.Think))))
		for w.emit.now() < stop {
			c.call(c.draw())
			time.Sleep(cfg.Think.D())
		}
		return
	}
	w.openLoop(c.rand, float64(cfg.Rate), cfg.Start.D(), stop, func() func() {
		op := c.draw()
		return func() { c.call(op) }
	})
}

// draw makes every random choice of the next operation, in a fixed order: kind, key,
// read mode (gets only), target agent.
func (c *kvClient) draw() *kvOp {
	cfg := &c.wl.cfg
	c.seq++
	op := &kvOp{id: fmt.Sprintf("%s-%d", c.name, c.seq), kind: pickKind(c.rand, cfg.Mix)}
	op.key = fmt.Sprintf("k%d", c.rand.Intn(cfg.Keys))
	switch op.kind {
	case event.OpGet:
		op.mode = cfg.ReadModes[c.rand.Intn(len(cfg.ReadModes))]
	case event.OpPut:
		op.value = op.id
	case event.OpCAS:
		op.value = op.id
		c.mu.Lock()
		op.cas = c.seen[op.key]
		c.mu.Unlock()
	}
	op.via, op.role = c.wl.w.resolveVia(c.target, c.rand)
	return op
}

// pickKind picks an operation kind with probability proportional to its weight.
func pickKind(r *rand.Rand, m scenarios.Mix) string {
	x := r.Float64() * m.Sum()
	for _, k := range []struct {
		kind   string
		weight float64
	}{{event.OpGet, m.Get}, {event.OpPut, m.Put}, {event.OpCAS, m.CAS}, {event.OpDelete, m.Delete}} {
		if x < k.weight {
			return k.kind
		}
		x -= k.weight
	}
	// Rounding can leave x at the very top: the last kind with a weight takes it.
	switch {
	case m.Delete > 0:
		return event.OpDelete
	case m.CAS > 0:
		return event.OpCAS
	case m.Put > 0:
		return event.OpPut
	}
	return event.OpGet
}

// call makes op and records it: op_call now, op_return when the answer (or the failure)
// is known.
func (c *kvClient) call(op *kvOp) {
	c.wl.emit(op.callEvent(c.name))
	ret, seen, saw := op.do(c.hc, c.wl.cfg.Timeout.D())
	if saw {
		c.mu.Lock()
		c.seen[op.key] = seen
		c.mu.Unlock()
	}
	ret.Client, ret.OpID = c.name, op.id
	c.wl.emit(ret)
}

// resolveVia picks the agent for a request to target, from what the world knows now, and
// returns it with its role. Candidates are running agents of the kind the target names;
// when none runs, any agent of that kind (the request will then fail as a real client's
// would). A leader target with no leader falls back to the servers; a followers target
// with no follower too.
func (w *World) resolveVia(target string, r *rand.Rand) (*simNode, string) {
	type cand struct {
		n    *simNode
		role string
	}
	var all, up []cand
	for _, n := range w.nodes {
		c := cand{n: n, role: event.ViaRoleDown}
		if n.agent != nil {
			switch state, _ := n.agent.RaftState(); {
			case !n.server:
				c.role = event.ViaRoleClient
			case state == event.RaftLeader:
				c.role = event.ViaRoleLeader
			case state == event.RaftCandidate:
				c.role = event.ViaRoleCandidate
			default:
				c.role = event.ViaRoleFollower
			}
		}
		if !targetKind(target, n.server) {
			continue
		}
		all = append(all, c)
		if n.agent != nil {
			up = append(up, c)
		}
	}
	switch target {
	case scenarios.ViaLeader:
		if lead := w.leaderNode(); lead != nil { // the newest term's (targets.go)
			return lead, event.ViaRoleLeader
		}
	case scenarios.ViaFollowers:
		var fs []cand
		for _, c := range up {
			if c.role != event.ViaRoleLeader {
				fs = append(fs, c)
			}
		}
		if len(fs) > 0 {
			c := fs[r.Intn(len(fs))]
			return c.n, c.role
		}
	}
	pool := up
	if len(pool) == 0 {
		pool = all
	}
	if len(pool) == 0 {
		// Validation refuses targets the cluster cannot have (clients with no client agents).
		panic(fmt.Sprintf("world: workload target %q matches no node (seed %d)", target, w.spec.Seed))
	}
	c := pool[r.Intn(len(pool))]
	return c.n, c.role
}

// targetKind says whether a node (a server or not) can serve a via target.
func targetKind(target string, server bool) bool {
	switch target {
	case scenarios.ViaClients:
		return !server
	case scenarios.ViaAny:
		return true
	}
	return server // servers, leader, followers
}
