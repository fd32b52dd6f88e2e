package catalog

import "slices"

// Health statuses, as Consul names them.
const (
	Passing  = "passing"
	Warning  = "warning"
	Critical = "critical"
)

// ValidStatus reports whether s is a check status a write may carry.
func ValidStatus(s string) bool { return s == Passing || s == Warning || s == Critical }

// The serf health check the servers own for every node: Consul's names and outputs.
const (
	SerfCheckID          = "serfHealth"
	SerfCheckName        = "Serf Health Status"
	SerfCheckAliveOutput = "Agent alive and reachable"
	SerfCheckFailOutput  = "Agent not live or unreachable"
)

// Node is a node of the catalog, with the fields of Consul's structs.Node that consim
// has.
type Node struct {
	Node        string
	Address     string
	CreateIndex uint64
	ModifyIndex uint64
}

// Service is one service instance registered on a node: Consul's structs.NodeService.
type Service struct {
	ID          string
	Service     string
	Tags        []string
	Address     string
	Port        int
	CreateIndex uint64
	ModifyIndex uint64
}

// Check is one health check: Consul's structs.HealthCheck. A node-level check (serf's,
// say) has no ServiceID. Type is ttl, script, http or empty (serfHealth); Interval and
// Timeout are Go duration texts, empty when they do not apply.
type Check struct {
	Node        string
	CheckID     string
	Name        string
	Status      string
	Notes       string
	Output      string
	ServiceID   string
	ServiceName string
	ServiceTags []string
	Type        string
	Interval    string
	Timeout     string
	CreateIndex uint64
	ModifyIndex uint64
}

// Same reports whether registering s would leave e unchanged (indexes aside).
func (e *Service) Same(s *Service) bool { return e.same(s) }

// Same reports whether registering c would leave e unchanged (indexes aside; the
// service fields filled in).
func (e *Check) Same(c *Check) bool { return e.same(c) }

// same reports whether registering s would leave e unchanged.
func (e *Service) same(s *Service) bool {
	return e.ID == s.ID && e.Service == s.Service && slices.Equal(e.Tags, s.Tags) && e.Address == s.Address && e.Port == s.Port
}

// same reports whether registering c would leave e unchanged (the service fields are
// filled in by then).
func (e *Check) same(c *Check) bool {
	return e.Name == c.Name && e.Status == c.Status && e.Notes == c.Notes && e.Output == c.Output &&
		e.ServiceID == c.ServiceID && e.ServiceName == c.ServiceName && slices.Equal(e.ServiceTags, c.ServiceTags) &&
		e.Type == c.Type && e.Interval == c.Interval && e.Timeout == c.Timeout
}

// Clone returns a copy that shares no memory with e.
func (e *Service) Clone() Service { return e.clone() }

// Clone returns a copy that shares no memory with e.
func (e *Check) Clone() Check { return e.clone() }

func (e *Service) clone() Service {
	c := *e
	c.Tags = slices.Clone(e.Tags)
	return c
}

func (e *Check) clone() Check {
	c := *e
	c.ServiceTags = slices.Clone(e.ServiceTags)
	return c
}
