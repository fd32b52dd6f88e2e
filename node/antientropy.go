package node

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/consim/consim/node/catalog"
)

// Anti-entropy, as Consul's agent/ae and agent/local: the agent's own services and
// checks are the truth about it, and it pushes them to the catalog.
//   - A full sync reads the catalog's view of the node, marks every difference out of
//     sync (what the catalog has and the agent does not is to be deregistered, except
//     serfHealth, which the servers own), then pushes. It runs at start, whenever a
//     server joins (Consul's ServerUp), and every interval plus a random stagger of up to
//     an interval; a failed one is retried after 15 s plus up to 15 s.
//   - A sync of changes pushes what went out of sync locally (a check's new status, a
//     service registered or removed) as soon as it happens, once a full sync has
//     succeeded. A failed push is logged and waits for the next change or full sync, as
//     in Consul: a status change made while no server is reachable reaches the catalog
//     only with the next full sync.

// retryFailInterval is how long a failed full sync waits (plus a stagger), Consul's.
const retryFailInterval = 15 * time.Second

// syncTimeout bounds one anti-entropy request.
const syncTimeout = 30 * time.Second

func (d *discovery) antiEntropy() {
	full := time.NewTimer(0)
	defer full.Stop()
	synced := false // a full sync succeeded: syncs of changes may run
	for {
		changes := d.local.changes
		if !synced {
			changes = nil
		}
		select {
		case <-d.done:
			return
		case <-d.serverUp:
			full.Reset(0)
		case <-full.C:
			if err := d.sync(true); err != nil {
				synced = false
				full.Reset(retryFailInterval + randomStagger(retryFailInterval))
			} else {
				synced = true
				full.Reset(d.interval + randomStagger(d.interval))
			}
		case <-changes:
			d.sync(false)
		}
	}
}

// sync runs one pass and reports it.
func (d *discovery) sync(full bool) error {
	var rep SyncReport
	rep.Full = full
	if full {
		rep.Err = d.compare()
	}
	if rep.Err == nil {
		rep.Synced, rep.Err = d.push()
	}
	if d.obs != nil && (full || rep.Err != nil || len(rep.Synced) > 0) && d.ctx.Err() == nil {
		d.obs.AntiEntropy(d.name, rep)
	}
	return rep.Err
}

// compare reads the catalog's view of the node and marks what differs out of sync.
func (d *discovery) compare() error {
	ctx, cancel := context.WithTimeout(d.ctx, syncTimeout)
	defer cancel()
	reply, err := d.svc.read(ctx, ReadRequest{Op: ReadCatalogNode, Key: d.name, Options: QueryOptions{Mode: ReadDefault}})
	if err != nil {
		return err
	}
	remoteSvcs := map[string]*catalog.Service{}
	for i := range reply.NodeSvcs {
		remoteSvcs[reply.NodeSvcs[i].ID] = &reply.NodeSvcs[i]
	}
	remoteChecks := map[string]*catalog.Check{}
	for i := range reply.Checks {
		if reply.Checks[i].CheckID != catalog.SerfCheckID {
			remoteChecks[reply.Checks[i].CheckID] = &reply.Checks[i]
		}
	}
	l := d.local
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, s := range l.services {
		r := remoteSvcs[id]
		switch {
		case s.deleted && r == nil:
			delete(l.services, id)
		case !s.deleted:
			s.inSync = r != nil && r.Same(&s.svc)
		}
	}
	for id := range remoteSvcs {
		if l.services[id] == nil {
			l.services[id] = &localService{svc: catalog.Service{ID: id}, deleted: true}
		}
	}
	for id, c := range l.checks {
		r := remoteChecks[id]
		switch {
		case c.deleted && r == nil:
			delete(l.checks, id)
		case !c.deleted:
			c.inSync = r != nil && r.Same(&c.check)
		}
	}
	for id, r := range remoteChecks {
		if l.checks[id] == nil {
			l.checks[id] = &localCheck{check: catalog.Check{CheckID: id, ServiceID: r.ServiceID}, deleted: true}
		}
	}
	return nil
}

// push sends what is out of sync, one write at a time, in a fixed order (deleted
// services, services with their checks, deleted checks, checks; each by ID), and
// stops at the first failure.
func (d *discovery) push() ([]string, error) {
	var done []string
	for {
		req, what, mark := d.nextOutOfSync()
		if mark == nil {
			return done, nil
		}
		ctx, cancel := context.WithTimeout(d.ctx, syncTimeout)
		_, err := d.svc.applyCatalog(ctx, req)
		cancel()
		if err != nil {
			return done, err
		}
		mark()
		done = append(done, what)
	}
}

// nextOutOfSync returns the next write anti-entropy owes the catalog, what to call it,
// and what to mark in sync once it succeeded (nil when nothing is owed). The mark
// leaves alone an item that changed again meanwhile.
func (d *discovery) nextOutOfSync() (catalog.Request, string, func()) {
	l := d.local
	l.mu.Lock()
	defer l.mu.Unlock()
	svcIDs := sortedKeys(l.services)
	checkIDs := sortedKeys(l.checks)
	for _, id := range svcIDs {
		if s := l.services[id]; s.deleted {
			return catalog.Request{Op: catalog.OpDeregister, Node: d.name, ServiceID: id}, "deregister service:" + id, func() {
				l.mu.Lock()
				defer l.mu.Unlock()
				if cur := l.services[id]; cur == s {
					delete(l.services, id)
				}
				for cid, c := range l.checks {
					if c.deleted && c.check.ServiceID == id {
						delete(l.checks, cid) // the catalog dropped them with the service
					}
				}
			}
		}
	}
	for _, id := range svcIDs {
		s := l.services[id]
		if s.inSync {
			continue
		}
		svc := s.svc.Clone()
		req := catalog.Request{Op: catalog.OpRegister, Node: d.name, Address: d.addr, Service: &svc}
		sent := map[string]*localCheck{}
		for _, cid := range checkIDs {
			if c := l.checks[cid]; !c.deleted && c.check.ServiceID == id {
				cc := c.check.Clone()
				req.Checks = append(req.Checks, &cc)
				sent[cid] = c
			}
		}
		return req, "service:" + id, func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.services[id] == s {
				s.inSync = true
			}
			for cid, c := range sent {
				if l.checks[cid] == c && c.check.Same(findCheck(req.Checks, cid)) {
					c.inSync = true
				}
			}
		}
	}
	for _, id := range checkIDs {
		if c := l.checks[id]; c.deleted {
			return catalog.Request{Op: catalog.OpDeregister, Node: d.name, CheckID: id}, "deregister check:" + id, func() {
				l.mu.Lock()
				defer l.mu.Unlock()
				if l.checks[id] == c {
					delete(l.checks, id)
				}
			}
		}
	}
	for _, id := range checkIDs {
		c := l.checks[id]
		if c.inSync {
			continue
		}
		cc := c.check.Clone()
		req := catalog.Request{Op: catalog.OpRegister, Node: d.name, Address: d.addr, Checks: []*catalog.Check{&cc}}
		return req, "check:" + id, func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.checks[id] == c && c.check.Same(&cc) {
				c.inSync = true
			}
		}
	}
	return catalog.Request{}, "", nil
}

func findCheck(cs []*catalog.Check, id string) *catalog.Check {
	for _, c := range cs {
		if c.CheckID == id {
			return c
		}
	}
	return &catalog.Check{}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, cmp.Compare[string])
	return out
}
