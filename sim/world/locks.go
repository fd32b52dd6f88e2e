package world

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strings"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node"
	"github.com/consim/consim/scenarios"
)

// Lock clients (workload.locks): each one a goroutine on a host of its own (lN at
// 127.0.11.N) bound to one agent, as an application is to its local agent, taking a lock
// the way Consul's lock recipe does. The events record what it believed when, which is
// what the lock-safety checker judges (checker/locks.go).

// lockClient is one lock client. Its fields are used only from its own goroutine.
type lockClient struct {
	wl    *workload
	cfg   *scenarios.Locks
	name  string // "l1"
	index int    // N of lN
	agent *simNode
	hc    *http.Client
	rand  *rand.Rand
	seq   int // fenced writes so far

	session   string        // the session it created, "" for none
	confirmed time.Duration // virtual time the session was last known alive (sent of the last renewal that answered)
}

// startLocks starts the lock clients of the workload.
func (w *World) startLocks(wl *workload) error {
	cfg := wl.cfg.Locks
	agents := w.spec.Scenario.LockAgents()
	for i := 1; i <= cfg.Clients; i++ {
		name := fmt.Sprintf("l%d", i)
		h, err := w.net.AddHost(name, fmt.Sprintf("127.0.11.%d", i))
		if err != nil {
			return fmt.Errorf("world: lock client %s: %w", name, err)
		}
		c := &lockClient{wl: wl, cfg: cfg, name: name, index: i, agent: w.node(agents[(i-1)%len(agents)]),
			hc: newHTTPClient(h, 4), rand: subRand(w.spec.Seed, "locks/"+name)}
		go c.run()
	}
	return nil
}

func (c *lockClient) now() time.Duration { return c.wl.w.emit.now() }

func (c *lockClient) emit(ev event.Event) {
	ev.Client = c.name
	c.wl.emit(ev)
}

// run is the client's life: from the workload's start to its stop, get a session,
// acquire, hold, release, wait.
func (c *lockClient) run() {
	w := c.wl.w
	stop := c.wl.stopAt()
	// Client N starts (N-1)/clients of a wait after the workload's start: l1 tries
	// first, so a scenario knows who holds the lock first, and the others follow in
	// order, never in lockstep.
	w.sleepUntil(c.wl.cfg.Start.D() + time.Duration(c.index-1)*c.cfg.Wait.D()/time.Duration(c.cfg.Clients))
	for c.now() < stop {
		key := c.cfg.Keys[c.rand.Intn(len(c.cfg.Keys))]
		if !c.ensureSession() {
			time.Sleep(c.cfg.Wait.D())
			continue
		}
		if c.acquire(key) {
			c.hold(key, stop)
		}
		time.Sleep(c.cfg.Wait.D())
	}
}

// ensureSession renews the client's session when it is due (older than TTL/2), and
// creates one when it has none or learns it is gone. It reports whether it has one.
func (c *lockClient) ensureSession() bool {
	if c.session != "" && c.now()-c.confirmed < c.cfg.TTL.D()/2 {
		return true
	}
	if c.session != "" {
		switch c.renew() {
		case renewOK:
			return true
		case renewUnknown:
			return c.now()-c.confirmed < c.cfg.TTL.D()
		}
		c.session = "" // gone
	}
	sent := c.now()
	body := fmt.Sprintf(`{"Name":%q,"TTL":%q,"LockDelay":"%s"}`, c.name, c.cfg.TTL.D().String(), c.cfg.Delay().D().String())
	code, resp, err := c.do(http.MethodPut, "/v1/session/create", body, c.timeout())
	ev := event.Event{Type: event.LockSession, Via: c.agent.name, Status: event.StatusOK}
	var out struct{ ID string }
	switch {
	case err != nil:
		ev.Status, ev.Error = event.StatusFail, err.Error()
	case code != http.StatusOK || json.Unmarshal(resp, &out) != nil || out.ID == "":
		ev.Status, ev.Code, ev.Error = event.StatusFail, code, errorText(resp)
	default:
		c.session, c.confirmed, ev.Session = out.ID, sent, out.ID
	}
	c.emit(ev)
	return c.session != ""
}

// acquire tries key with the client's session and reports whether it now holds it.
func (c *lockClient) acquire(key string) bool {
	code, resp, err := c.do(http.MethodPut, "/v1/kv/"+key+"?acquire="+c.session, c.name, c.timeout())
	ev := event.Event{Type: event.LockAcquire, Via: c.agent.name, Key: key, Session: c.session}
	switch {
	case err != nil:
		ev.Status, ev.Error = event.LockFail, err.Error()
	case code != http.StatusOK:
		ev.Status, ev.Code, ev.Error = event.LockFail, code, errorText(resp)
	case strings.TrimSpace(string(resp)) == "true":
		ev.Status = event.LockHeld
	default:
		ev.Status = event.LockBusy
	}
	c.emit(ev)
	if ev.Status == event.LockFail {
		// The acquire may have happened; the client cannot tell, so it starts afresh
		// with a new session (the old one lapses with its TTL, releasing the key).
		c.session = ""
	}
	return ev.Status == event.LockHeld
}

// hold keeps key for cfg.Hold, renewing the session every TTL/2 (with a fenced write
// after the acquire and each renewal), then releases it. It lets go early when a
// renewal says the session is gone, or when nothing confirmed the session within a TTL
// of the last confirmation.
func (c *lockClient) hold(key string, stop time.Duration) {
	lockIndex := c.lockIndex(key)
	c.fence(key, lockIndex)
	until := c.now() + c.cfg.Hold.D()
	ttl := c.cfg.TTL.D()
	var failed time.Duration = -1 // when the last renewal failed to answer; -1: it did not
	for {
		// The next renewal is due at TTL/2 after the last confirmation, or a wait after
		// a failed one; never past the moment the client stops trusting its session.
		next := c.confirmed + ttl/2
		if failed >= 0 {
			next = max(next, failed+c.cfg.Wait.D())
		}
		next = min(next, until, stop, c.confirmed+ttl)
		if next > c.now() {
			time.Sleep(next - c.now())
		}
		if c.now() >= until || c.now() >= stop {
			break
		}
		if c.now()-c.confirmed >= ttl {
			c.emit(event.Event{Type: event.LockLost, Key: key, Session: c.session, LockIndex: lockIndex, Reason: event.LostUnconfirmed})
			c.session = ""
			return
		}
		switch c.renew() {
		case renewOK:
			failed = -1
			c.fence(key, lockIndex)
		case renewGone:
			c.emit(event.Event{Type: event.LockLost, Key: key, Session: c.session, LockIndex: lockIndex, Reason: event.LostInvalidated})
			c.session = ""
			return
		default:
			failed = c.now()
		}
	}
	c.emit(event.Event{Type: event.LockRelease, Via: c.agent.name, Key: key, Session: c.session, LockIndex: lockIndex})
	c.do(http.MethodPut, "/v1/kv/"+key+"?release="+c.session, c.name, c.timeout())
}

// Renewal outcomes.
const (
	renewOK      = iota // the session lives: confirmed
	renewGone           // 404: the session is gone
	renewUnknown        // no answer, or an error: it cannot tell
)

// renew renews the client's session. Its deadline never passes the moment the client
// would stop trusting its session (the last confirmation plus a TTL).
func (c *lockClient) renew() int {
	sent := c.now()
	left := c.confirmed + c.cfg.TTL.D() - sent
	timeout := c.timeout()
	if left > 0 && left < timeout {
		timeout = left
	}
	code, _, err := c.do(http.MethodPut, "/v1/session/renew/"+c.session, "", timeout)
	switch {
	case err != nil:
		return renewUnknown
	case code == http.StatusOK:
		c.confirmed = sent
		return renewOK
	case code == http.StatusNotFound:
		return renewGone
	}
	return renewUnknown
}

// lockIndex reads key's LockIndex (consistent mode) for the fenced writes: 0 when the
// read fails or shows another holder.
func (c *lockClient) lockIndex(key string) uint64 {
	if !c.cfg.Fenced {
		return 0
	}
	code, body, err := c.do(http.MethodGet, "/v1/kv/"+key+"?consistent", "", c.timeout())
	var es []struct {
		LockIndex uint64
		Session   string
	}
	if err != nil || code != http.StatusOK || json.Unmarshal(body, &es) != nil || len(es) != 1 || es[0].Session != c.session {
		return 0
	}
	return es[0].LockIndex
}

// fence makes a fenced write (when workload.locks.fenced): KEY/fence gets the lock's
// LockIndex, so a store that checked fencing tokens could refuse a stale holder's.
func (c *lockClient) fence(key string, lockIndex uint64) {
	if !c.cfg.Fenced || lockIndex == 0 {
		return
	}
	c.seq++
	id := fmt.Sprintf("%s-f%d", c.name, c.seq)
	fk := key + "/fence"
	c.emit(event.Event{Type: event.FenceCall, OpID: id, Key: fk, LockIndex: lockIndex, Via: c.agent.name})
	code, body, err := c.do(http.MethodPut, "/v1/kv/"+fk, fmt.Sprintf("%d %s", lockIndex, id), c.timeout())
	ret := event.Event{Type: event.FenceReturn, OpID: id, Status: event.StatusOK, Code: code}
	switch {
	case err != nil:
		ret.Status, ret.Error = event.StatusUnknown, err.Error()
	case code != http.StatusOK:
		ret.Status, ret.Error = event.StatusFail, errorText(body)
		if code >= 500 {
			ret.Status = event.StatusUnknown
		}
	}
	c.emit(ret)
}

func (c *lockClient) timeout() time.Duration { return c.wl.cfg.Timeout.D() }

// do makes one request to the client's agent; err is set when no answer came.
func (c *lockClient) do(method, path, body string, timeout time.Duration) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.agent.httpAddr()+path, strings.NewReader(body))
	if err != nil {
		panic(fmt.Sprintf("world: lock client %s: build request: %v", c.name, err))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s", requestError(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, fmt.Errorf("%s", requestError(err))
	}
	return resp.StatusCode, b, nil
}

// sessionObserver turns the servers' session records into events.
type sessionObserver struct{ e sink }

func (o sessionObserver) SessionChanged(self string, ch node.SessionChange) {
	if ch.Created {
		return // the client's lock_session says it
	}
	o.e.emit(event.Event{Type: event.SessionInvalidate, Node: self, Session: ch.Session.ID, Member: ch.Session.Node,
		Reason: ch.Reason, Keys: ch.Keys, LockDelay: event.Duration(ch.LockDelay)})
}

func (o sessionObserver) LockDelayed(self, key, session string, left time.Duration) {
	o.e.emit(event.Event{Type: event.LockDelayed, Node: self, Key: key, Session: session, LockDelay: event.Duration(left)})
}
