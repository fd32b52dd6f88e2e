// Package scenarios defines the scenario format (the plain configuration a run is built
// from), parses and validates scenario files with file:line:col errors, and embeds the
// built-in scenarios.
//
// The types here are configuration, not runtime: the simulated world reads them and builds
// its own runtime values; nothing mutates a Scenario after validation. They travel to the
// guest as JSON, so every field has a json tag as well as a yaml tag.
package scenarios

// Scenario is one scenario file: a cluster, a network, a duration and a seed.
type Scenario struct {
	// Name identifies the scenario in reports and reproduction lines; it matches
	// NamePattern.
	Name string `yaml:"name" json:"name"`
	// Description says in a sentence or two what the scenario shows.
	Description string `yaml:"description" json:"description,omitempty"`
	// Seed is the default run seed; `consim run --seed` overrides it. 0 means "not set":
	// ApplyDefaults makes it DefaultSeed (1), and a file may not write seed: 0.
	Seed uint64 `yaml:"seed" json:"seed"`
	// Duration is how long the run lasts in virtual time, MinDuration to MaxDuration.
	Duration Duration `yaml:"duration" json:"duration"`
	// Cluster says how many nodes of each kind run.
	Cluster Cluster `yaml:"cluster" json:"cluster"`
	// Network is the healthy network every link starts with. Optional.
	Network Network `yaml:"network" json:"network"`
	// Disk models each server's disk, where raft keeps its log, state and snapshots.
	// Optional.
	Disk Disk `yaml:"disk" json:"disk"`
}

// Cluster is the cluster's shape.
type Cluster struct {
	// Servers is the number of server agents (raft voters, bootstrapped together),
	// 1 to MaxServers.
	Servers int `yaml:"servers" json:"servers"`
	// Clients is the number of client agents (gossip only), 0 to MaxClients, with
	// Servers+Clients at most MaxNodes.
	Clients int `yaml:"clients" json:"clients"`
	// BootstrapExpect, when set, makes servers find each other through gossip and
	// bootstrap raft once this many servers are seen, as Consul's bootstrap_expect; the
	// servers then start in a random order. Zero means a static bootstrap: every server
	// starts as a voter of one configuration. 1 to Servers.
	BootstrapExpect int `yaml:"bootstrap_expect" json:"bootstrap_expect,omitempty"`
}

// Network is the default behaviour of every link between two NICs.
type Network struct {
	// Latency is the one-way delay of a link.
	Latency Latency `yaml:"latency" json:"latency"`
	// Loss is the probability in [0, 1) that a packet (not a stream byte) is dropped.
	Loss float64 `yaml:"loss" json:"loss,omitempty"`
}

// Latency is a one-way delay distribution. Which fields apply depends on Dist:
//
//	constant:    mean
//	uniform:     min, max
//	normal:      mean, stddev (samples below min, default 0, are clamped to min)
//	exponential: min + an exponential part, so that the total has the given mean
//
// Every value is between 0s and MaxLatency. The zero Latency means "not set":
// ApplyDefaults replaces it with DefaultLatency().
type Latency struct {
	// Dist is one of DistConstant, DistUniform, DistNormal, DistExponential.
	Dist string `yaml:"dist" json:"dist"`
	// Mean is the delay (constant) or the average delay (normal, exponential).
	Mean Duration `yaml:"mean" json:"mean,omitempty"`
	// Stddev is the standard deviation of a normal latency; it must be above 0.
	Stddev Duration `yaml:"stddev" json:"stddev,omitempty"`
	// Min is the lower bound: uniform's low end, normal's clamp, exponential's offset.
	Min Duration `yaml:"min" json:"min,omitempty"`
	// Max is uniform's high end; it must be above Min.
	Max Duration `yaml:"max" json:"max,omitempty"`
}

// Latency distributions, as written in scenario files.
const (
	DistConstant    = "constant"
	DistUniform     = "uniform"
	DistNormal      = "normal"
	DistExponential = "exponential"
)

// Disk models the servers' disks.
type Disk struct {
	// WriteLatency is the modeled fsync cost of every durable write (raft log append,
	// stable-state update, snapshot), paid in virtual time. Zero means free writes.
	WriteLatency Duration `yaml:"write_latency" json:"write_latency,omitempty"`
}
