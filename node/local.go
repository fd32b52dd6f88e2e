package node

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/consim/consim/node/catalog"
)

// localState is what an agent itself runs, Consul's agent/local.State: its services and
// their checks with their current status, and for each whether the catalog has it as it
// is here (anti-entropy pushes what is not). A removed service or check stays, marked
// deleted, until the catalog has forgotten it too.
//
// Safe for concurrent use: the HTTP API, the check runner and anti-entropy share it.
type localState struct {
	node, addr string
	obs        func(CheckUpdate) // the CatalogObserver's CheckStatus, or a no-op

	mu       sync.Mutex
	services map[string]*localService
	checks   map[string]*localCheck
	// changes (capacity 1) tells anti-entropy something is out of sync; wake (capacity
	// 1) tells the check runner its schedule changed. Sends never block.
	changes chan struct{}
	wake    chan struct{}
}

type localService struct {
	svc     catalog.Service
	inSync  bool
	deleted bool
}

type localCheck struct {
	check   catalog.Check // status and output as they are now
	def     CheckDefinition
	inSync  bool
	deleted bool
	// next is when the check runs next (HTTP, script) or expires (TTL); zero while an
	// HTTP run is in flight (running).
	next    time.Time
	running bool
	// gen changes when the check is registered again, so a run of the old definition
	// that returns late does not overwrite the new one's status.
	gen uint64
}

func newLocalState(node, addr string, obs CatalogObserver) *localState {
	l := &localState{node: node, addr: addr, services: map[string]*localService{}, checks: map[string]*localCheck{},
		changes: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	l.obs = func(CheckUpdate) {}
	if obs != nil {
		l.obs = func(u CheckUpdate) { obs.CheckStatus(node, u) }
	}
	return l
}

func poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// errNotFound is a 404 with Consul's text.
func errNotFound(format string, args ...any) error {
	return httpError{code: http.StatusNotFound, reason: fmt.Sprintf(format, args...)}
}

// addService registers (or replaces) a service and its checks. stagger gives each
// interval check's first run its delay (a random part of its interval). The
// definition must be valid.
func (l *localState) addService(d ServiceDefinition, now time.Time, stagger func(time.Duration) time.Duration) {
	d = d.normalized()
	addr := d.Address
	l.mu.Lock()
	var updates []CheckUpdate
	// Checks of an earlier registration of this service that the new one lacks go.
	for id, c := range l.checks {
		if c.check.ServiceID == d.ID && !c.deleted && !slices.ContainsFunc(d.Checks, func(n CheckDefinition) bool { return n.ID == id }) {
			c.deleted, c.inSync = true, false
		}
	}
	l.services[d.ID] = &localService{svc: catalog.Service{ID: d.ID, Service: d.Name, Tags: slices.Clone(d.Tags), Address: addr, Port: d.Port}}
	for _, cd := range d.Checks {
		c := &localCheck{def: cd, check: catalog.Check{
			Node: l.node, CheckID: cd.ID, Name: cd.Name, Status: cd.Status, Notes: cd.Notes,
			ServiceID: d.ID, ServiceName: d.Name, ServiceTags: slices.Clone(d.Tags), Type: cd.kind(),
		}}
		switch cd.kind() {
		case CheckTTL:
			c.next = now.Add(cd.TTL)
		default:
			c.check.Interval = cd.Interval.String()
			c.next = now.Add(stagger(cd.Interval))
		}
		if cd.kind() == CheckHTTP {
			c.check.Timeout = cd.Timeout.String()
		}
		if old := l.checks[cd.ID]; old != nil {
			c.gen = old.gen + 1
		}
		l.checks[cd.ID] = c
		updates = append(updates, CheckUpdate{CheckID: cd.ID, ServiceID: d.ID, Status: cd.Status})
	}
	l.mu.Unlock()
	for _, u := range updates {
		l.obs(u)
	}
	poke(l.changes)
	poke(l.wake)
}

// removeService marks a service and its checks deleted.
func (l *localState) removeService(id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.services[id]
	if s == nil || s.deleted {
		return errNotFound("Unknown service ID %q. Ensure that the service ID is passed, not the service name.", id)
	}
	s.deleted, s.inSync = true, false
	for _, c := range l.checks {
		if c.check.ServiceID == id {
			c.deleted, c.inSync = true, false
		}
	}
	poke(l.changes)
	poke(l.wake)
	return nil
}

// updateTTL sets a TTL check's status and output and restarts its TTL, as Consul's
// agent/check/pass|warn|fail|update do.
func (l *localState) updateTTL(id, status, output string, now time.Time) error {
	l.mu.Lock()
	c := l.checks[id]
	switch {
	case c == nil || c.deleted:
		l.mu.Unlock()
		return errNotFound("Unknown check ID %q. Ensure that the check ID is passed, not the check name.", id)
	case c.def.kind() != CheckTTL:
		l.mu.Unlock()
		return fmt.Errorf("CheckID %q does not have associated TTL", id)
	}
	c.next = now.Add(c.def.TTL)
	u, changed := l.setLocked(c, status, output)
	l.mu.Unlock()
	l.report(u, changed)
	poke(l.wake)
	return nil
}

// setStatus records a check run's result, unless the check was registered anew (or
// removed) since the run started.
func (l *localState) setStatus(id string, gen uint64, status, output string) {
	l.mu.Lock()
	c := l.checks[id]
	if c == nil || c.deleted || c.gen != gen {
		l.mu.Unlock()
		return
	}
	u, changed := l.setLocked(c, status, output)
	l.mu.Unlock()
	l.report(u, changed)
}

// setLocked sets a check's status and output; l.mu is held. A new status puts the
// check out of sync at once; a new output alone waits for the next full sync, as
// Consul defers output-only changes (its check_update_interval).
func (l *localState) setLocked(c *localCheck, status, output string) (CheckUpdate, bool) {
	changed := c.check.Status != status
	c.check.Status, c.check.Output = status, output
	if changed {
		c.inSync = false
	}
	return CheckUpdate{CheckID: c.check.CheckID, ServiceID: c.check.ServiceID, Status: status, Output: output}, changed
}

func (l *localState) report(u CheckUpdate, changed bool) {
	if changed {
		l.obs(u)
		poke(l.changes)
	}
}

// listServices returns the services (not deleted), in ID order.
func (l *localState) listServices() []catalog.Service {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []catalog.Service
	for _, s := range l.services {
		if !s.deleted {
			out = append(out, s.svc.Clone())
		}
	}
	slices.SortFunc(out, func(a, b catalog.Service) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// listChecks returns the checks (not deleted), in ID order.
func (l *localState) listChecks() []catalog.Check {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []catalog.Check
	for _, c := range l.checks {
		if !c.deleted {
			out = append(out, c.check.Clone())
		}
	}
	slices.SortFunc(out, func(a, b catalog.Check) int { return cmp.Compare(a.CheckID, b.CheckID) })
	return out
}

// errCatalogOff answers a service or check write to an agent without the catalog.
var errCatalogOff = httpError{code: http.StatusBadRequest, reason: "The service catalog is off on this agent: consim runs it only when the scenario defines services"}
