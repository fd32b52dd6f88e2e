package scenarios

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits and defaults of the services section (Consul's service and check definitions).
const (
	// MaxServices bounds the services section, and MaxChecks the checks of one service.
	MaxServices = 64
	MaxChecks   = 8
	// MinCheckInterval is Consul's shortest check interval (it raises shorter ones to it).
	MinCheckInterval = Duration(time.Second)
	// MaxCheckInterval bounds interval, ttl and timeout.
	MaxCheckInterval = Duration(time.Hour)
	// MaxScriptSteps bounds a script check's steps.
	MaxScriptSteps = 100
	// MaxCheckOutput bounds a script step's or a check action's output (an HTTP check
	// keeps 4 KiB of a body, as Consul).
	MaxCheckOutput = 4096
	// DefaultCheckTimeout is an HTTP check's timeout when it sets none (Consul's).
	DefaultCheckTimeout = Duration(10 * time.Second)
	// MinAntiEntropyInterval and MaxAntiEntropyInterval bound anti_entropy.interval.
	MinAntiEntropyInterval = Duration(time.Second)
	MaxAntiEntropyInterval = Duration(24 * time.Hour)
)

// Check statuses, as Consul names them.
const (
	StatusPassing  = "passing"
	StatusWarning  = "warning"
	StatusCritical = "critical"
)

// CheckStatuses lists them.
var CheckStatuses = []string{StatusPassing, StatusWarning, StatusCritical}

// ServiceNamePattern is what a service name, ID or tag must match: DNS-safe, since
// Consul's DNS interface serves NAME.service.consul and TAG.NAME.service.consul.
var ServiceNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ReservedPorts are the ports every agent's host already uses: raft, gossip, the server
// RPC, HTTP and DNS (Consul's 8300, 8301, 8500, 8600, and consim's RPC 8303).
var ReservedPorts = []int{8300, 8301, 8303, 8500, 8600}

// Service is a service that runs on nodes, Consul's agent service definition: each node
// listed runs one instance, registered with its agent, whose checks decide whether the
// catalog sends clients to it. An instance with a port also answers HTTP there (200 OK
// at every path, on the node's address) while its node runs: what HTTP checks reach.
type Service struct {
	// Name is the service's name in the catalog. Required; ServiceNamePattern.
	Name string `yaml:"name" json:"name"`
	// ID is the instance's ID on each agent; default the name.
	ID string `yaml:"id" json:"id,omitempty"`
	// Nodes are the nodes that run an instance. Required.
	Nodes []string `yaml:"nodes" json:"nodes"`
	// Tags are the instance's tags; ServiceNamePattern each.
	Tags []string `yaml:"tags" json:"tags,omitempty"`
	// Port is where the instance listens, 1 to 65535, not an agent's port; 0 (the
	// default) means no endpoint.
	Port int `yaml:"port" json:"port,omitempty"`
	// Checks decide the instance's health, at most MaxChecks.
	Checks []Check `yaml:"checks" json:"checks,omitempty"`
}

// Check is a health check of a service, Consul's check definition: exactly one of ttl,
// http and script.
type Check struct {
	// ID is unique on the node; default service:ID, or service:ID:N (N from 1) when the
	// service has several checks, as Consul names them.
	ID string `yaml:"id" json:"id,omitempty"`
	// Name defaults to "Service 'NAME' check".
	Name string `yaml:"name" json:"name,omitempty"`
	// Status is the status it starts with: passing, warning or critical (the default).
	Status string `yaml:"status" json:"status,omitempty"`
	// TTL makes a TTL check: critical unless a check action updates it at least this
	// often.
	TTL Duration `yaml:"ttl" json:"ttl,omitempty"`
	// HTTP makes an HTTP check: a GET of this URL every interval over the virtual network.
	// Its host is localhost (the check's own node), a node name or an IP address.
	HTTP string `yaml:"http" json:"http,omitempty"`
	// Script makes a script check whose exit status the scenario scripts over time.
	Script []ScriptStep `yaml:"script" json:"script,omitempty"`
	// Interval is how often an HTTP or script check runs, MinCheckInterval to
	// MaxCheckInterval. Required for them; not for a TTL check.
	Interval Duration `yaml:"interval" json:"interval,omitempty"`
	// Timeout bounds an HTTP check's request (default 10s).
	Timeout Duration `yaml:"timeout" json:"timeout,omitempty"`
}

// ScriptStep is what a script check's script does from At on: exit with Exit (0 passing,
// 1 warning, anything else critical, as Consul documents) and print Output. Before the
// first step the script exits 0.
type ScriptStep struct {
	At     Duration `yaml:"at" json:"at"`
	Exit   int      `yaml:"exit" json:"exit"`
	Output string   `yaml:"output" json:"output,omitempty"`
}

// keepZero keeps "at: 0s" and "exit: 0" in the canonical form: both are required.
func (ScriptStep) keepZero(key string) bool { return key == "at" || key == "exit" }

// AntiEntropy tunes how agents sync their services and checks with the catalog.
type AntiEntropy struct {
	// Interval is the base interval of full syncs (each waits this plus a random stagger
	// of up to as much again); default Consul's 1m.
	Interval Duration `yaml:"interval" json:"interval,omitempty"`
}

// Kind returns ttl, http or script, or "" when none is set.
func (c Check) Kind() string {
	switch {
	case c.TTL != 0:
		return "ttl"
	case c.HTTP != "":
		return "http"
	case c.Script != nil:
		return "script"
	}
	return ""
}

// InstanceID is the ID of the service's instances.
func (s Service) InstanceID() string {
	if s.ID != "" {
		return s.ID
	}
	return s.Name
}

// CheckID is the ID of the service's i-th check, with Consul's default when it sets none.
func (s Service) CheckID(i int) string {
	if id := s.Checks[i].ID; id != "" {
		return id
	}
	if len(s.Checks) > 1 {
		return fmt.Sprintf("service:%s:%d", s.InstanceID(), i+1)
	}
	return "service:" + s.InstanceID()
}

// At returns the step in force at virtual time t: exit 0 before the first.
func ScriptAt(steps []ScriptStep, t time.Duration) ScriptStep {
	cur := ScriptStep{}
	for _, s := range steps {
		if s.At.D() > t {
			break
		}
		cur = s
	}
	return cur
}

// checkServices checks the services and anti_entropy sections.
func checkServices(c *validator, s *Scenario) {
	if iv := s.AntiEntropy.Interval; c.has("anti_entropy.interval", iv != 0) && (iv < MinAntiEntropyInterval || iv > MaxAntiEntropyInterval) {
		c.errorf("anti_entropy.interval", "must be between %s and %s, got %s", MinAntiEntropyInterval, MaxAntiEntropyInterval, iv)
	}
	if len(s.Services) > MaxServices {
		c.errorf("services", "at most %d services, got %d", MaxServices, len(s.Services))
		return
	}
	// What each node runs so far: instance IDs, ports and check IDs, and where each was
	// defined.
	type seen struct{ ids, ports, checks map[string]string }
	nodes := map[string]*seen{}
	for i, svc := range s.Services {
		path := fmt.Sprintf("services[%d]", i)
		if c.broken(path) {
			continue
		}
		if !c.has(path+".name", svc.Name != "") {
			c.missing(path + ".name")
		} else {
			checkServiceName(c, path+".name", svc.Name)
		}
		if c.has(path+".id", svc.ID != "") {
			checkServiceName(c, path+".id", svc.ID)
		}
		for j, t := range svc.Tags {
			checkServiceName(c, fmt.Sprintf("%s.tags[%d]", path, j), t)
		}
		if c.has(path+".port", svc.Port != 0) {
			switch {
			case svc.Port < 1 || svc.Port > 65535:
				c.errorf(path+".port", "must be 1 to 65535 (leave it out for no endpoint), got %d", svc.Port)
			case slices.Contains(ReservedPorts, svc.Port):
				c.errorf(path+".port", "%d is an agent's port (%v are taken on every node)", svc.Port, ReservedPorts)
			}
		}
		if !c.has(path+".nodes", len(svc.Nodes) > 0) {
			c.missing(path + ".nodes")
		} else if len(svc.Nodes) == 0 {
			c.errorf(path+".nodes", "must list at least one node")
		}
		for j, n := range svc.Nodes {
			np := fmt.Sprintf("%s.nodes[%d]", path, j)
			if !requireString(c, np, n) || !checkNodeName(c, s, np, n) {
				continue
			}
			if slices.Index(svc.Nodes, n) < j {
				c.errorf(np, "%s is listed twice", n)
				continue
			}
			sn := nodes[n]
			if sn == nil {
				sn = &seen{ids: map[string]string{}, ports: map[string]string{}, checks: map[string]string{}}
				nodes[n] = sn
			}
			if svc.Name != "" {
				if prev, ok := sn.ids[svc.InstanceID()]; ok {
					c.errorf(np, "%s already runs a service with ID %q (%s): give one an id", n, svc.InstanceID(), prev)
				}
				sn.ids[svc.InstanceID()] = path
			}
			if svc.Port > 0 {
				port := strconv.Itoa(svc.Port)
				if prev, ok := sn.ports[port]; ok {
					c.errorf(np, "%s already has a service on port %d (%s)", n, svc.Port, prev)
				}
				sn.ports[port] = path
			}
			for k := range svc.Checks {
				if svc.Name == "" {
					break
				}
				id := svc.CheckID(k)
				if prev, ok := sn.checks[id]; ok && prev != path {
					c.errorf(np, "%s already has a check with ID %q (%s)", n, id, prev)
				}
				sn.checks[id] = path
			}
		}
		if len(svc.Checks) > MaxChecks {
			c.errorf(path+".checks", "at most %d checks per service, got %d", MaxChecks, len(svc.Checks))
			continue
		}
		ids := map[string]bool{}
		for k, chk := range svc.Checks {
			cp := fmt.Sprintf("%s.checks[%d]", path, k)
			if c.broken(cp) {
				continue
			}
			checkCheck(c, s, cp, chk)
			if svc.Name != "" {
				if id := svc.CheckID(k); ids[id] {
					c.errorf(cp+".id", "check ID %q is used twice in this service", id)
				} else {
					ids[id] = true
				}
			}
		}
	}
}

func checkServiceName(c *validator, path, v string) {
	if !ServiceNamePattern.MatchString(v) {
		c.errorf(path, "must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (a DNS label), got %q", v)
	}
}

// checkCheck checks one check definition, with Consul's rules.
func checkCheck(c *validator, s *Scenario, path string, chk Check) {
	if c.has(path+".id", chk.ID != "") && (chk.ID == "" || strings.ContainsAny(chk.ID, "/ \t\n?#")) {
		c.errorf(path+".id", "must be a non-empty ID without spaces, '/', '?' or '#' (it goes in a URL path), got %q", chk.ID)
	}
	if c.has(path+".status", chk.Status != "") && !slices.Contains(CheckStatuses, chk.Status) {
		c.errorf(path+".status", "must be one of passing, warning, critical, got %q", chk.Status)
	}
	var kinds []string
	for _, k := range []struct {
		key string
		set bool
	}{{"ttl", chk.TTL != 0}, {"http", chk.HTTP != ""}, {"script", chk.Script != nil}} {
		if c.has(path+"."+k.key, k.set) {
			kinds = append(kinds, k.key)
		}
	}
	switch len(kinds) {
	case 0:
		c.errorf(path, "write one of ttl, http, script")
		return
	case 1:
	default:
		c.errorf(path, "write exactly one of ttl, http, script; found %s", strings.Join(kinds, " and "))
		return
	}
	kind := kinds[0]
	bounded := func(key string, v Duration, min Duration) {
		if v < min || v > MaxCheckInterval {
			c.errorf(path+"."+key, "must be between %s and %s, got %s", min, MaxCheckInterval, v)
		}
	}
	hasInterval := c.has(path+".interval", chk.Interval != 0)
	switch {
	case kind == "ttl":
		bounded("ttl", chk.TTL, Duration(time.Millisecond))
		if hasInterval {
			c.errorf(path+".interval", "a ttl check has no interval (its TTL is how often it must be updated)")
		}
	case !hasInterval:
		c.errorf(path+".interval", "is required for %s checks (how often the check runs)", kind)
	default:
		bounded("interval", chk.Interval, MinCheckInterval)
	}
	if c.has(path+".timeout", chk.Timeout != 0) {
		if kind != "http" {
			c.errorf(path+".timeout", "applies only to http checks")
		} else {
			bounded("timeout", chk.Timeout, Duration(time.Millisecond))
		}
	}
	switch kind {
	case "http":
		checkCheckURL(c, s, path+".http", chk.HTTP)
	case "script":
		checkScript(c, s, path+".script", chk.Script)
	}
}

// checkCheckURL checks an HTTP check's URL: http, with a host the simulation can reach.
func checkCheckURL(c *validator, s *Scenario, path, raw string) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		c.errorf(path, "must be an http:// URL with a host, like http://localhost:8080/health, got %q", raw)
		return
	}
	host := u.Hostname()
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			c.errorf(path, "port %q must be 1 to 65535", p)
			return
		}
	}
	if host == "localhost" || net.ParseIP(host) != nil {
		return
	}
	if !slices.Contains(s.NodeNames(), host) {
		c.errorf(path, "host %q is not localhost, a node of the cluster or an IP address (there is no DNS in the simulation)", host)
	}
}

func checkScript(c *validator, s *Scenario, path string, steps []ScriptStep) {
	if len(steps) == 0 {
		c.errorf(path, "must list at least one step ({at: 0s, exit: 0})")
		return
	}
	if len(steps) > MaxScriptSteps {
		c.errorf(path, "at most %d steps, got %d", MaxScriptSteps, len(steps))
		return
	}
	for i, st := range steps {
		sp := fmt.Sprintf("%s[%d]", path, i)
		if !c.has(sp+".at", true) {
			c.missing(sp + ".at")
		} else if st.At < 0 || (s.Duration >= MinDuration && st.At >= s.Duration) {
			c.errorf(sp+".at", "must be at least 0s and before the end of the run (duration %s), got %s", s.Duration, st.At)
		} else if i > 0 && st.At <= steps[i-1].At {
			c.errorf(sp+".at", "must come after the previous step (%s): list steps in time order", steps[i-1].At)
		}
		if !c.has(sp+".exit", true) {
			c.missing(sp + ".exit")
		} else if st.Exit < 0 || st.Exit > 255 {
			c.errorf(sp+".exit", "must be an exit status, 0 to 255, got %d", st.Exit)
		}
		if len(st.Output) > MaxCheckOutput {
			c.errorf(sp+".output", "at most %d bytes, got %d", MaxCheckOutput, len(st.Output))
		}
	}
}

// ServiceChecks returns, for node, every check of its services by ID with its kind:
// what check actions may update.
func (s *Scenario) ServiceChecks(node string) map[string]string {
	out := map[string]string{}
	for _, svc := range s.Services {
		if !slices.Contains(svc.Nodes, node) {
			continue
		}
		for i, chk := range svc.Checks {
			out[svc.CheckID(i)] = chk.Kind()
		}
	}
	return out
}
