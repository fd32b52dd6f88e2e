package catalog

import (
	"cmp"
	"slices"
)

// The reads of the catalog and health endpoints. Each returns copies, sorted, and the
// index a read reports (the store index, at least 1).

// Instance is one service instance with its node and, for health reads, the checks that
// decide its health: the node's own checks and the service's, in check ID order.
type Instance struct {
	Node    Node
	Service Service
	Checks  []Check
}

// Nodes returns every node, in name order.
func (s *Store) Nodes() ([]Node, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Node, 0, len(s.names))
	for _, n := range s.names {
		out = append(out, *s.nodes[n].node)
	}
	return out, s.readIndex()
}

// Services returns every service name with the union of its instances' tags, sorted.
func (s *Store) Services() (map[string][]string, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string][]string{}
	for _, n := range s.names {
		for _, svc := range s.nodes[n].services {
			tags := out[svc.Service]
			if tags == nil {
				tags = []string{}
			}
			for _, t := range svc.Tags {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			out[svc.Service] = tags
		}
	}
	for _, tags := range out {
		slices.Sort(tags)
	}
	return out, s.readIndex()
}

// NodeServices returns a node and its services in ID order; nil if the catalog lacks it.
func (s *Store) NodeServices(node string) (*Node, []Service, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ns := s.nodes[node]
	if ns == nil {
		return nil, nil, s.readIndex()
	}
	n := *ns.node
	return &n, sortedServices(ns), s.readIndex()
}

// ServiceInstances returns the instances of the named service (with tag, only those
// carrying it), in node then service ID order. With checks, each carries the checks that
// decide its health.
func (s *Store) ServiceInstances(name, tag string, checks bool) ([]Instance, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Instance
	for _, n := range s.names {
		ns := s.nodes[n]
		for _, svc := range sortedServices(ns) {
			if svc.Service != name || tag != "" && !slices.Contains(svc.Tags, tag) {
				continue
			}
			in := Instance{Node: *ns.node, Service: svc}
			if checks {
				for _, c := range sortedChecks(ns) {
					if c.ServiceID == "" || c.ServiceID == svc.ID {
						in.Checks = append(in.Checks, c)
					}
				}
			}
			out = append(out, in)
		}
	}
	return out, s.readIndex()
}

// Checks returns the checks that keep returns true for, in node then check ID order.
func (s *Store) Checks(keep func(*Check) bool) ([]Check, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Check
	for _, n := range s.names {
		for _, c := range sortedChecks(s.nodes[n]) {
			if keep(&c) {
				out = append(out, c)
			}
		}
	}
	return out, s.readIndex()
}

func sortedServices(ns *nodeState) []Service {
	out := make([]Service, 0, len(ns.services))
	for _, svc := range ns.services {
		out = append(out, svc.clone())
	}
	slices.SortFunc(out, func(a, b Service) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func sortedChecks(ns *nodeState) []Check {
	out := make([]Check, 0, len(ns.checks))
	for _, c := range ns.checks {
		out = append(out, c.clone())
	}
	slices.SortFunc(out, func(a, b Check) int { return cmp.Compare(a.CheckID, b.CheckID) })
	return out
}
