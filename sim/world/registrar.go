package world

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node/serf"
	"github.com/consim/consim/scenarios"
)

// A register_service handler (scenarios.RegisterService) does what a Serf handler script
// of the "register every new node in the monitoring system" kind does: on each member
// event it calls its own agent's HTTP API, over the node's host on the virtual network
// (curl to localhost:8500), and the agent's anti-entropy takes it to the catalog.

// registrarTimeout bounds one call to the agent, as a script's curl --max-time would.
const registrarTimeout = 5 * time.Second

// maxPendingRegistrations bounds the calls waiting for the one before them: a member
// event names at most every member, and a queue this long means the agent stopped
// answering; further calls are recorded as dropped.
const maxPendingRegistrations = 4 * scenarios.MaxNodes

// registrar is one register_service handler on one run of one agent. Serf's agent runs
// a handler script to its end before the next event; here the Serf dispatcher only
// queues the calls, so that a slow agent holds up no other handler (the catalog's own
// included), and one goroutine makes them in order. It exists only while calls wait, so
// a stopped agent leaves nothing behind.
type registrar struct {
	n       *simNode
	voice   sink
	handler string
	cfg     scenarios.RegisterService
	hc      *http.Client
	clock   func() time.Duration

	mu      sync.Mutex
	pending []registration
	running bool
}

// registration is one call the handler owes its agent.
type registration struct {
	op     string // "register" or "deregister"
	member serf.Member
}

func (w *World) newRegistrar(n *simNode, handler string, cfg *scenarios.RegisterService) *registrar {
	return &registrar{n: n, voice: n.voice, handler: handler, cfg: *cfg, hc: newHTTPClient(n.host, 1), clock: w.emit.now}
}

// HandleEvent queues the calls a member event asks for: a register per member that
// joined, a deregister per member that left or was reaped; other events (a failure, an
// update) change nothing. Called on the Serf dispatcher's goroutine.
func (r *registrar) HandleEvent(e serf.Event) {
	me, ok := e.(serf.MemberEvent)
	if !ok {
		return
	}
	var op string
	switch me.Type {
	case serf.EventMemberJoin:
		op = "register"
	case serf.EventMemberLeave, serf.EventMemberReap:
		op = "deregister"
	default:
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range me.Members {
		if len(r.pending) >= maxPendingRegistrations {
			r.voice.emit(r.record(registration{op, m}, 0, "dropped: the agent has not answered the calls before it"))
			continue
		}
		r.pending = append(r.pending, registration{op, m})
	}
	if !r.running && len(r.pending) > 0 {
		r.running = true
		go r.drain()
	}
}

// drain makes the queued calls in order, and ends when none is left.
func (r *registrar) drain() {
	for {
		r.mu.Lock()
		if len(r.pending) == 0 {
			r.running = false
			r.mu.Unlock()
			return
		}
		g := r.pending[0]
		r.pending = r.pending[1:]
		r.mu.Unlock()
		start := r.clock()
		code, reason := r.call(g)
		ev := r.record(g, code, reason)
		ev.Took = event.Duration(r.clock() - start)
		r.voice.emit(ev)
	}
}

func (r *registrar) record(g registration, code int, reason string) event.Event {
	ev := event.Event{Type: event.Registration, Node: r.n.name, Handler: r.handler, Op: g.op,
		Member: g.member.Name, Service: r.cfg.InstanceID(g.member.Name), Code: code, Reason: reason}
	if g.op == "register" {
		ev.Addr = g.member.Addr
	}
	return ev
}

// call makes g's request to the agent's own HTTP API: the HTTP status, or why there is
// none.
func (r *registrar) call(g registration) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), registrarTimeout)
	defer cancel()
	id := r.cfg.InstanceID(g.member.Name)
	u := "http://" + r.n.httpAddr() + "/v1/agent/service/deregister/" + id
	var body []byte
	if g.op == "register" {
		u = "http://" + r.n.httpAddr() + "/v1/agent/service/register"
		var err error
		body, err = json.Marshal(struct {
			ID      string
			Name    string
			Tags    []string
			Address string
			Port    int
		}{id, r.cfg.Name, []string{g.member.Name}, g.member.Addr, r.cfg.Port})
		if err != nil {
			panic(fmt.Sprintf("world: %s: encode registration of %s: %v", r.n.name, id, err))
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		panic(fmt.Sprintf("world: %s: build request %s: %v", r.n.name, u, err))
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return 0, requestError(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, requestError(err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, errorText(text)
	}
	return resp.StatusCode, ""
}
