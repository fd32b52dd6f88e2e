package scenarios

import (
	"fmt"
	"slices"
	"time"
)

// Interfaces of discovery lookups, as written in discovery.interfaces.
const (
	// LookupDNS asks an agent's DNS interface for NAME.service.consul SRV.
	LookupDNS = "dns"
	// LookupHTTP asks an agent's /v1/health/service/NAME?passing.
	LookupHTTP = "http"
)

// LookupInterfaces lists them, in the order reports use.
var LookupInterfaces = []string{LookupDNS, LookupHTTP}

// DefaultLookupTimeout is a discovery lookup's timeout when the section sets none: a
// resolver's usual 2 s.
const DefaultLookupTimeout = Duration(2 * time.Second)

// Discovery is the discovery workload: simulated clients (dN at 127.0.10.N) that look
// services up through the agents, over DNS and over the HTTP health endpoint, on an
// open-loop schedule, and record each answer as a lookup event: which instances they were
// sent to. The discovery-freshness checker compares those answers with the instances'
// health. Zero fields mean "not set"; ApplyDefaults fills them.
type Discovery struct {
	// Clients is the number of lookup clients, 1 to MaxWorkloadClients; default 1.
	Clients int `yaml:"clients" json:"clients,omitempty"`
	// Rate is each client's lookups per second (or per minute), above 0 and at most
	// 1000/s; default 10/s.
	Rate Rate `yaml:"rate" json:"rate,omitempty"`
	// Services are the services looked up, each named in the services section or by a
	// handler's register_service; default all of them. Each lookup picks one at random.
	Services []string `yaml:"services" json:"services,omitempty"`
	// Interfaces are how lookups ask: dns, http; default both. Each lookup picks one.
	Interfaces []string `yaml:"interfaces" json:"interfaces,omitempty"`
	// ReadModes are the read modes of HTTP lookups (default, consistent, stale); default
	// all three. DNS lookups take the dns section's mode (stale unless allow_stale is
	// false).
	ReadModes []string `yaml:"read_modes" json:"read_modes,omitempty"`
	// Via are the agents lookups go to, as workload.via (servers, clients, leader,
	// followers, any); client N uses target N modulo the list. Default any.
	Via []string `yaml:"via" json:"via,omitempty"`
	// Timeout bounds one lookup; default 2s.
	Timeout Duration `yaml:"timeout" json:"timeout,omitempty"`
	// Start and Stop bound when lookups are made (default: the whole run).
	Start Duration `yaml:"start" json:"start,omitempty"`
	Stop  Duration `yaml:"stop" json:"stop,omitempty"`
}

// applyDefaults fills the fields left at their zero value.
func (d *Discovery) applyDefaults(services []string) {
	if d.Clients == 0 {
		d.Clients = DefaultWorkloadClients
	}
	if d.Rate == 0 {
		d.Rate = DefaultRate
	}
	if len(d.Services) == 0 {
		for _, name := range services {
			if !slices.Contains(d.Services, name) {
				d.Services = append(d.Services, name)
			}
		}
	}
	if len(d.Interfaces) == 0 {
		d.Interfaces = slices.Clone(LookupInterfaces)
	}
	if len(d.ReadModes) == 0 {
		d.ReadModes = slices.Clone(ReadModes)
	}
	if len(d.Via) == 0 {
		d.Via = []string{ViaAny}
	}
	if d.Timeout == 0 {
		d.Timeout = DefaultLookupTimeout
	}
}

// checkDiscovery checks the discovery section.
func checkDiscovery(c *validator, s *Scenario) {
	d := s.Discovery
	if d == nil || c.broken("discovery") {
		return
	}
	names := s.ServiceNames()
	if len(names) == 0 {
		c.errorf("discovery", "lookups need services to look up: add a services section (or a handler that registers services) or leave discovery out")
	}
	clients := DefaultWorkloadClients
	if c.has("discovery.clients", d.Clients != 0) {
		if d.Clients < 1 || d.Clients > MaxWorkloadClients {
			c.errorf("discovery.clients", "must be between 1 and %d, got %d", MaxWorkloadClients, d.Clients)
		} else {
			clients = d.Clients
		}
	}
	if c.has("discovery.rate", d.Rate != 0) && !(d.Rate > 0 && d.Rate <= MaxRate) {
		c.errorf("discovery.rate", "must be above 0/s and at most %s, got %s", MaxRate, d.Rate)
	}
	if c.has("discovery.services", len(d.Services) > 0) {
		if len(d.Services) == 0 {
			c.errorf("discovery.services", "must list at least one service (leave it out for all)")
		}
		for i, n := range d.Services {
			if !slices.Contains(names, n) {
				c.errorf(fmt.Sprintf("discovery.services[%d]", i), "must name a service of the services section or of a register_service handler (%v), got %q", names, n)
			}
		}
	}
	checkList(c, "discovery.interfaces", d.Interfaces, LookupInterfaces, false)
	checkList(c, "discovery.read_modes", d.ReadModes, ReadModes, false)
	if checkList(c, "discovery.via", d.Via, ViaTargets, true) {
		for i, v := range d.Via {
			p := fmt.Sprintf("discovery.via[%d]", i)
			switch {
			case v == ViaClients && s.Cluster.Clients == 0:
				c.errorf(p, "the cluster has no client agents (cluster.clients is 0)")
			case v == ViaFollowers && s.Cluster.Servers == 1:
				c.errorf(p, "a cluster with one server has no followers")
			}
		}
		if len(d.Via) > clients {
			c.errorf("discovery.via", "lists %d targets but there are only %d lookup clients: client N looks up through target N, so the last %d would never be used", len(d.Via), clients, len(d.Via)-clients)
		}
	}
	if c.has("discovery.timeout", d.Timeout != 0) && !(d.Timeout > 0 && d.Timeout <= MaxTimeout) {
		c.errorf("discovery.timeout", "must be above 0s and at most %s, got %s", MaxTimeout, d.Timeout)
	}
	durationOK := s.Duration >= MinDuration && s.Duration <= MaxDuration
	if c.has("discovery.start", d.Start != 0) && (d.Start < 0 || durationOK && d.Start >= s.Duration) {
		c.errorf("discovery.start", "must be at least 0s and before the end of the run (duration %s), got %s", s.Duration, d.Start)
	} else if c.has("discovery.stop", d.Stop != 0) && (d.Stop <= d.Start || durationOK && d.Stop > s.Duration) {
		c.errorf("discovery.stop", "must be after start (%s) and at most the duration (%s), got %s (leave it out to run to the end)", d.Start, s.Duration, d.Stop)
	}
}

// ServiceNames are the names of the scenario's services, those of the services section
// then those register_service handlers register, each once.
func (s *Scenario) ServiceNames() []string {
	var out []string
	for _, svc := range s.Services {
		if !slices.Contains(out, svc.Name) {
			out = append(out, svc.Name)
		}
	}
	for _, h := range s.Gossip.Handlers {
		if r := h.RegisterService; r != nil && !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	return out
}
