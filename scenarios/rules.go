package scenarios

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Limits of the scenario format. They bound the size of a run: the guest runs every node in
// one single-threaded process.
const (
	// MinDuration and MaxDuration bound a run's virtual duration.
	MinDuration = Duration(time.Second)
	MaxDuration = Duration(24 * time.Hour)
	// MaxServers bounds the raft voters; more than 15 is not a cluster anyone runs.
	MaxServers = 15
	// MaxClients bounds the client agents, and MaxNodes servers and clients together.
	MaxClients = 250
	MaxNodes   = 250
	// MaxLatency bounds every latency value (mean, stddev, min, max).
	MaxLatency = Duration(10 * time.Second)
)

// NamePattern is what a scenario name must match: it is used in file names and
// reproduction lines.
var NamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// sections are the validation rules, one function per top-level section, in file order.
// A new section adds its function here.
var sections = []func(*validator, *Scenario){
	checkTop,
	checkCluster,
	checkNetwork,
	checkNICs,
	checkDisk,
	checkCPU,
	checkWorkload,
	checkLocks,
	checkGossip,
	checkServices,
	checkDNS,
	checkDiscovery,
	checkActions,
	checkFaults,
	checkLiveness,
	checkBugs,
	checkExpect,
}

// Validate checks s against every rule of the scenario format and returns an *ErrorList
// of path-only errors (no file positions), or nil. Fields left at their zero value where
// ApplyDefaults would fill them (seed, network.latency) are accepted, so Validate may run
// before or after ApplyDefaults. Use it on scenarios built or changed in Go; Parse already
// validates what it returns.
func (s *Scenario) Validate() error {
	c := &validator{}
	c.run(s)
	return c.errs.sorted()
}

func (c *validator) run(s *Scenario) {
	for _, check := range sections {
		check(c, s)
	}
}

// checkTop checks name, seed and duration. Description is free text.
func checkTop(c *validator, s *Scenario) {
	if !c.has("name", s.Name != "") {
		c.missing("name")
	} else if !NamePattern.MatchString(s.Name) {
		c.errorf("name", "must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (%s), got %q", NamePattern, s.Name)
	}
	// Seed 0 stands for "not set" in Go; in a file it would silently become the default.
	if c.has("seed", s.Seed != 0) && s.Seed == 0 {
		c.errorf("seed", "must be between 1 and 18446744073709551615, got 0 (leave seed out for the default, %d)", DefaultSeed)
	}
	if !c.has("duration", s.Duration != 0) {
		c.missing("duration")
	} else if s.Duration < MinDuration || s.Duration > MaxDuration {
		c.errorf("duration", "must be between 1s and 24h, got %s", s.Duration)
	}
}

// checkCluster checks the cluster's shape.
func checkCluster(c *validator, s *Scenario) {
	cl := s.Cluster
	if !c.has("cluster", cl != Cluster{}) {
		c.missing("cluster")
		return
	}
	serversOK := false
	if !c.has("cluster.servers", cl.Servers != 0) {
		c.missing("cluster.servers")
	} else if cl.Servers < 1 || cl.Servers > MaxServers {
		c.errorf("cluster.servers", "must be between 1 and %d, got %d", MaxServers, cl.Servers)
	} else {
		serversOK = true
	}
	if cl.Clients < 0 || cl.Clients > MaxClients {
		c.errorf("cluster.clients", "must be between 0 and %d, got %d", MaxClients, cl.Clients)
	} else if serversOK && cl.Servers+cl.Clients > MaxNodes {
		c.errorf("cluster", "servers + clients must be at most %d, got %d + %d = %d", MaxNodes, cl.Servers, cl.Clients, cl.Servers+cl.Clients)
	}
	if c.has("cluster.bootstrap_expect", cl.BootstrapExpect != 0) && serversOK &&
		(cl.BootstrapExpect < 1 || cl.BootstrapExpect > cl.Servers) {
		c.errorf("cluster.bootstrap_expect", "must be between 1 and cluster.servers (%d), got %d (leave it out for a static bootstrap)", cl.Servers, cl.BootstrapExpect)
	}
}

// checkNetwork checks the default link behaviour.
func checkNetwork(c *validator, s *Scenario) {
	n := s.Network
	if c.has("network.loss", n.Loss != 0) && !(n.Loss >= 0 && n.Loss < 1) {
		c.errorf("network.loss", "must be at least 0 and less than 1, got %v", n.Loss)
	}
	checkLatency(c, "network.latency", n.Latency, c.has("network.latency", n.Latency != Latency{}))
	if c.has("network.raft_transport", n.RaftTransport != "") &&
		n.RaftTransport != RaftTransportNetwork && n.RaftTransport != RaftTransportFast {
		c.errorf("network.raft_transport", "must be one of network, fast, got %q", n.RaftTransport)
	}
}

// latencyDists says, for each distribution, which fields it needs and which it accepts.
var latencyDists = []struct {
	dist    string
	needs   []string
	accepts []string
}{
	{DistConstant, []string{"mean"}, []string{"mean"}},
	{DistUniform, []string{"min", "max"}, []string{"min", "max"}},
	{DistNormal, []string{"mean", "stddev"}, []string{"mean", "stddev", "min"}},
	{DistExponential, []string{"mean"}, []string{"mean", "min"}},
	{DistLongTail, []string{"min", "mean"}, []string{"min", "mean", "max"}},
}

// checkLatency checks a latency distribution at path. given says whether the latency was
// written (or, in Go, set): one that is not is fine, the default applies.
func checkLatency(c *validator, path string, l Latency, given bool) {
	if !given {
		return
	}
	if !c.has(path+".dist", l.Dist != "") {
		c.missing(path + ".dist")
		return
	}
	var names []string
	i := -1
	for j, d := range latencyDists {
		names = append(names, d.dist)
		if d.dist == l.Dist {
			i = j
		}
	}
	if i < 0 {
		c.errorf(path+".dist", "must be one of %s, got %q", strings.Join(names, ", "), l.Dist)
		return
	}
	rule := latencyDists[i]
	values := map[string]Duration{"mean": l.Mean, "stddev": l.Stddev, "min": l.Min, "max": l.Max}
	ok := map[string]bool{} // given, allowed and in range
	for _, key := range []string{"mean", "stddev", "min", "max"} {
		v, p := values[key], path+"."+key
		needed, accepted := slices.Contains(rule.needs, key), slices.Contains(rule.accepts, key)
		switch given := c.has(p, v != 0 || needed); {
		case !given && needed:
			c.errorf(p, "required field is missing: dist %s needs %s", l.Dist, strings.Join(rule.needs, " and "))
		case given && c.broken(p):
			// already reported by the decoder
		case given && !accepted:
			c.errorf(p, "does not apply when dist is %s, which uses %s", l.Dist, strings.Join(rule.accepts, ", "))
		case given && (v < 0 || v > MaxLatency):
			c.errorf(p, "must be between 0s and %s, got %s", MaxLatency, v)
		case given:
			ok[key] = true
		}
	}
	switch l.Dist {
	case DistUniform:
		if ok["min"] && ok["max"] && l.Max <= l.Min {
			c.errorf(path+".max", "must be greater than min (%s), got %s", l.Min, l.Max)
		}
	case DistNormal:
		if ok["stddev"] && l.Stddev <= 0 {
			c.errorf(path+".stddev", "must be greater than 0s for dist normal, got %s", l.Stddev)
		}
	case DistExponential:
		if ok["mean"] && (ok["min"] || !c.has(path+".min", l.Min != 0)) && l.Mean <= l.Min {
			c.errorf(path+".mean", "must be greater than min (%s) for dist exponential, got %s", l.Min, l.Mean)
		}
	case DistLongTail:
		// A Pareto distribution from min with mean m has shape m/(m-min): min must be
		// above 0 and the mean above min. A cap at or below the mean would leave the
		// mean a number the samples never average.
		switch {
		case ok["min"] && l.Min <= 0:
			c.errorf(path+".min", "must be greater than 0s for dist long-tail (the tail starts there), got %s", l.Min)
		case ok["min"] && ok["mean"] && l.Mean <= l.Min:
			c.errorf(path+".mean", "must be greater than min (%s) for dist long-tail, got %s", l.Min, l.Mean)
		case ok["mean"] && ok["max"] && l.Max <= l.Mean:
			c.errorf(path+".max", "must be greater than mean (%s) for dist long-tail (it caps the tail), got %s", l.Mean, l.Max)
		}
	}
}
