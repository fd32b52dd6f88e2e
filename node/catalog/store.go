package catalog

import (
	"fmt"
	"slices"
	"sync"
)

// Store is the catalog's state: nodes in name order, each with its services and checks,
// the index of the last change, and the watch of blocking queries.
//
// All methods are safe for concurrent use: reads take a read lock, so the HTTP API may
// read while raft applies. Records the store holds are never modified in place (a write
// stores a new one), and reads return copies the caller owns.
//
// Writes take the raft index they are applied at; indexes must not decrease (raft applies
// in log order), and a write at index 0 or below the store's index is a harness bug and
// panics.
type Store struct {
	mu    sync.RWMutex
	nodes map[string]*nodeState
	names []string // the keys of nodes, sorted
	index uint64
	watch chan struct{} // closed by the next change; nil while nobody watches
}

// nodeState is one node and what is registered on it.
type nodeState struct {
	node     *Node
	services map[string]*Service
	checks   map[string]*Check
}

// NewStore returns an empty catalog.
func NewStore() *Store { return &Store{nodes: map[string]*nodeState{}} }

// Index returns the raft index of the last change, 0 if the catalog never changed.
func (s *Store) Index() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.index
}

// readIndex is what a read reports: never 0, as Consul's RPC layer never answers 0.
func (s *Store) readIndex() uint64 { return max(s.index, 1) }

// Watch returns a channel that the next change to the catalog (or a Restore) closes.
// Changes before the call do not close it. Every watcher shares one channel, and the
// store forgets it once closed, so a watcher that gives up may simply drop it. A blocking
// query calls Watch before it reads, so no change between the two is missed.
func (s *Store) Watch() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watch == nil {
		s.watch = make(chan struct{})
	}
	return s.watch
}

// Apply performs r at index. It reports whether the catalog changed; an error (a check
// for a service the node does not have, an unknown Op) leaves it unchanged, and is the
// same on every replica. It does not validate r (Request.Validate does, before raft).
func (s *Store) Apply(index uint64, r Request) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if index == 0 || index < s.index {
		panic(fmt.Sprintf("catalog: write at raft index %d, store is at %d: indexes must be positive and must not decrease", index, s.index))
	}
	var changed bool
	var err error
	switch r.Op {
	case OpRegister:
		changed, err = s.register(index, r)
	case OpDeregister:
		changed = s.deregister(r)
	default:
		err = fmt.Errorf("catalog: apply: unknown operation %q", r.Op)
	}
	if changed {
		s.index = index
		s.fire()
	}
	return changed, err
}

// register upserts node, service and checks; s.mu is held. It checks everything before
// it changes anything, so an error changes nothing.
func (s *Store) register(index uint64, r Request) (bool, error) {
	ns := s.nodes[r.Node]
	services := map[string]*Service{}
	if ns != nil {
		services = ns.services
	}
	svc := r.Service
	if svc != nil && svc.ID == "" {
		c := *svc
		c.ID = c.Service // Consul: a service without an ID takes its name
		svc = &c
	}
	checks := make([]*Check, len(r.Checks))
	for i, c := range r.Checks {
		cc := *c
		cc.Node = r.Node
		cc.ServiceName, cc.ServiceTags = "", nil
		if cc.ServiceID != "" {
			owner := services[cc.ServiceID]
			if svc != nil && svc.ID == cc.ServiceID {
				owner = svc
			}
			if owner == nil {
				return false, fmt.Errorf("Missing service registration")
			}
			cc.ServiceName, cc.ServiceTags = owner.Service, slices.Clone(owner.Tags)
		}
		checks[i] = &cc
	}
	changed := false
	if ns == nil {
		ns = &nodeState{node: &Node{Node: r.Node, Address: r.Address, CreateIndex: index, ModifyIndex: index},
			services: map[string]*Service{}, checks: map[string]*Check{}}
		s.nodes[r.Node] = ns
		i, _ := slices.BinarySearch(s.names, r.Node)
		s.names = slices.Insert(s.names, i, r.Node)
		changed = true
	} else if ns.node.Address != r.Address {
		n := *ns.node
		n.Address, n.ModifyIndex = r.Address, index
		ns.node = &n
		changed = true
	}
	if svc != nil {
		old := ns.services[svc.ID]
		if old == nil || !old.same(svc) {
			n := *svc
			n.Tags = slices.Clone(svc.Tags)
			n.CreateIndex, n.ModifyIndex = index, index
			if old != nil {
				n.CreateIndex = old.CreateIndex
			}
			ns.services[svc.ID] = &n
			changed = true
			// Checks of the service carry its name and tags: keep them in step.
			for id, c := range ns.checks {
				if c.ServiceID == n.ID && (c.ServiceName != n.Service || !slices.Equal(c.ServiceTags, n.Tags)) {
					cc := *c
					cc.ServiceName, cc.ServiceTags, cc.ModifyIndex = n.Service, slices.Clone(n.Tags), index
					ns.checks[id] = &cc
				}
			}
		}
	}
	for _, c := range checks {
		old := ns.checks[c.CheckID]
		if old != nil && old.same(c) {
			continue
		}
		c.CreateIndex, c.ModifyIndex = index, index
		if old != nil {
			c.CreateIndex = old.CreateIndex
		}
		ns.checks[c.CheckID] = c
		changed = true
	}
	return changed, nil
}

// deregister removes a node, a service with its checks, or a check; s.mu is held.
func (s *Store) deregister(r Request) bool {
	ns := s.nodes[r.Node]
	if ns == nil {
		return false
	}
	switch {
	case r.ServiceID != "":
		if ns.services[r.ServiceID] == nil {
			return false
		}
		delete(ns.services, r.ServiceID)
		for id, c := range ns.checks {
			if c.ServiceID == r.ServiceID {
				delete(ns.checks, id)
			}
		}
	case r.CheckID != "":
		if ns.checks[r.CheckID] == nil {
			return false
		}
		delete(ns.checks, r.CheckID)
	default:
		delete(s.nodes, r.Node)
		i, _ := slices.BinarySearch(s.names, r.Node)
		s.names = slices.Delete(s.names, i, i+1)
	}
	return true
}

// fire closes the watch channel; s.mu is held for writing.
func (s *Store) fire() {
	if s.watch != nil {
		close(s.watch)
		s.watch = nil
	}
}
