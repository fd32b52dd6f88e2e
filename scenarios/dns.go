package scenarios

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Limits and defaults of the dns section (Consul's dns_config).
const (
	// DefaultMaxStale is Consul's max_stale since 0.7.1: ten years, no limit at all.
	DefaultMaxStale = Duration(87600 * time.Hour)
	// MaxDNSTTL bounds node_ttl and every service_ttl.
	MaxDNSTTL = Duration(24 * time.Hour)
	// DefaultUDPAnswerLimit is Consul's udp_answer_limit; MaxUDPAnswerLimit bounds it.
	DefaultUDPAnswerLimit = 3
	MaxUDPAnswerLimit     = 64
	// DNSPort is where every agent answers DNS when the catalog is on (Consul's 8600).
	DNSPort = 8600
)

// DNS configures every agent's DNS interface, in the shape of Consul's dns_config. Agents
// answer DNS on port 8600 whenever the scenario defines services. Zero fields take
// Consul's defaults.
type DNS struct {
	// AllowStale lets any server answer a lookup from its own state; false sends each one
	// to the leader. Default true.
	AllowStale *bool `yaml:"allow_stale" json:"allow_stale,omitempty"`
	// MaxStale, with allow_stale, sends a lookup to the leader after all when the server
	// that took it has not heard from the leader for longer; default 87600h (none).
	MaxStale Duration `yaml:"max_stale" json:"max_stale,omitempty"`
	// NodeTTL is the TTL of node lookups' records; default 0s (no caching).
	NodeTTL Duration `yaml:"node_ttl" json:"node_ttl,omitempty"`
	// ServiceTTL maps a service name, a prefix ending in "*" or "*" alone to the TTL of
	// its records; default 0s for all.
	ServiceTTL map[string]Duration `yaml:"service_ttl" json:"service_ttl,omitempty"`
	// OnlyPassing leaves out instances with a warning check too; default false (only
	// critical ones are left out).
	OnlyPassing bool `yaml:"only_passing" json:"only_passing,omitempty"`
	// UDPAnswerLimit bounds the records of an answer, 1 to 64; default 3.
	UDPAnswerLimit int `yaml:"udp_answer_limit" json:"udp_answer_limit,omitempty"`
}

// Stale says whether lookups may be answered by any server (allow_stale, default true).
func (d DNS) Stale() bool { return d.AllowStale == nil || *d.AllowStale }

// ReadMode is the read mode of every DNS lookup: stale when allowed, else default.
func (d DNS) ReadMode() string {
	if d.Stale() {
		return ModeStale
	}
	return ModeDefault
}

// applyDefaults fills max_stale and udp_answer_limit.
func (d *DNS) applyDefaults() {
	if d.MaxStale == 0 {
		d.MaxStale = DefaultMaxStale
	}
	if d.UDPAnswerLimit == 0 {
		d.UDPAnswerLimit = DefaultUDPAnswerLimit
	}
}

// checkDNS checks the dns section.
func checkDNS(c *validator, s *Scenario) {
	d := s.DNS
	if c.broken("dns") {
		return
	}
	if !c.brokenUnder("dns") && (d.AllowStale != nil || d.MaxStale != 0 || d.NodeTTL != 0 || d.ServiceTTL != nil || d.OnlyPassing || d.UDPAnswerLimit != 0) && len(s.ServiceNames()) == 0 {
		c.errorf("dns", "DNS answers from the service catalog, which only runs with services: add a services section (or a handler that registers services) or leave dns out")
	}
	if c.has("dns.max_stale", d.MaxStale != 0) && (d.MaxStale <= 0 || d.MaxStale > DefaultMaxStale) {
		c.errorf("dns.max_stale", "must be above 0s and at most %s, got %s", DefaultMaxStale, d.MaxStale)
	}
	if c.has("dns.node_ttl", d.NodeTTL != 0) && (d.NodeTTL < 0 || d.NodeTTL > MaxDNSTTL) {
		c.errorf("dns.node_ttl", "must be 0s to %s, got %s", MaxDNSTTL, d.NodeTTL)
	}
	for _, k := range slices.Sorted(maps.Keys(d.ServiceTTL)) {
		p := "dns.service_ttl." + k
		if name, _ := strings.CutSuffix(k, "*"); name != "" && !ServiceNamePattern.MatchString(name) {
			c.errorf(p, "must be a service name, a prefix ending in * or * alone (lower-case letters, digits and dashes), got %q", k)
		}
		if v := d.ServiceTTL[k]; v < 0 || v > MaxDNSTTL {
			c.errorf(p, "must be 0s to %s, got %s", MaxDNSTTL, v)
		}
	}
	if c.has("dns.udp_answer_limit", d.UDPAnswerLimit != 0) && (d.UDPAnswerLimit < 1 || d.UDPAnswerLimit > MaxUDPAnswerLimit) {
		c.errorf("dns.udp_answer_limit", "must be 1 to %d, got %d", MaxUDPAnswerLimit, d.UDPAnswerLimit)
	}
}
