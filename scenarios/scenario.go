// Package scenarios defines the scenario format (the plain configuration a run is built
// from), parses and validates scenario files with file:line:col errors, and embeds the
// built-in scenarios.
//
// The types here are configuration, not runtime: the simulated world reads them and builds
// its own runtime values; nothing mutates a Scenario after validation. They travel to the
// guest as JSON, so every field has a json tag as well as a yaml tag.
//
// Two sides share the package. Everything the world uses (the types, Schedule, Spec, the
// validation rules) needs no YAML library. The files that read and write YAML and embed
// the built-ins (parse.go, decode.go, canonical.go, load.go, builtin.go) are built for the
// host only (//go:build !wasip1): the guest is given a validated scenario and never parses
// one. internal/lint's TestLayers holds the guest to that.
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
	// CPU models each server's processor as its KV endpoints use it: a service time per
	// request, queued (cpu.go). Optional: the zero value makes server CPU free.
	CPU CPU `yaml:"cpu" json:"cpu,omitzero"`
	// Workload is the simulated KV clients that drive the cluster through its HTTP API
	// and record every request. Optional: nil means no workload.
	Workload *Workload `yaml:"workload" json:"workload,omitempty"`
	// Gossip tunes every agent's Serf layer and declares event handlers (gossip.go).
	// Optional: zero fields take the Serf layer's defaults.
	Gossip Gossip `yaml:"gossip" json:"gossip,omitzero"`
	// Services are services running on nodes, with their health checks (services.go):
	// they turn on the service catalog. Optional.
	Services []Service `yaml:"services" json:"services,omitempty"`
	// AntiEntropy tunes how agents sync their services and checks with the catalog.
	// Optional.
	AntiEntropy AntiEntropy `yaml:"anti_entropy" json:"anti_entropy,omitzero"`
	// DNS configures every agent's DNS interface, Consul's dns_config (dns.go). Optional.
	DNS DNS `yaml:"dns" json:"dns,omitzero"`
	// Discovery is the discovery workload: clients that look services up over DNS and
	// HTTP and record what they were told (discovery.go). Optional: nil means none.
	Discovery *Discovery `yaml:"discovery" json:"discovery,omitempty"`
	// Actions are user events, queries, tag changes, leaves, joins, failures,
	// force-leaves and check updates at given virtual times (actions.go). Optional.
	Actions []Action `yaml:"actions" json:"actions,omitempty"`
	// Faults are the chaos injected into the run: partitions, link faults, NICs, crashes,
	// pauses, disk faults and a random nemesis (faults.go). Optional.
	Faults []Fault `yaml:"faults" json:"faults,omitempty"`
	// Liveness configures the phase after the duration that heals every fault and waits
	// for the cluster to converge. Optional: zero fields take the defaults.
	Liveness Liveness `yaml:"liveness" json:"liveness,omitzero"`
	// Bugs plants unsafe node behaviours, each breaking one guarantee, so that a scenario
	// can show the checkers catch it (faults.go, Bugs). Off unless listed.
	Bugs []string `yaml:"bugs" json:"bugs,omitempty"`
	// Expect lists what must hold for the run to pass (expect.go); `consim run` exits 1
	// when one does not.
	Expect *Expect `yaml:"expect" json:"expect,omitempty"`
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
	// NICs gives nodes a second NIC and says which peers they reach over it (faults.go).
	NICs []NICs `yaml:"nics" json:"nics,omitempty"`
	// RaftTransport is how servers' raft RPCs cross the network: RaftTransportNetwork
	// (raft's own NetworkTransport, msgpack over streams; the default when empty) or
	// RaftTransportFast (the same RPCs handed over whole as stream messages, with the
	// same delays and faults).
	RaftTransport string `yaml:"raft_transport" json:"raft_transport,omitempty"`
}

// Raft transports, as written in network.raft_transport.
const (
	RaftTransportNetwork = "network"
	RaftTransportFast    = "fast"
)

// Latency is a one-way delay distribution. Which fields apply depends on Dist:
//
//	constant:    mean
//	uniform:     min, max
//	normal:      mean, stddev (samples below min, default 0, are clamped to min)
//	exponential: min + an exponential part, so that the total has the given mean
//	long-tail:   a Pareto distribution from min with the given mean, capped at max if set
//
// Every value is between 0s and MaxLatency. The zero Latency means "not set":
// ApplyDefaults replaces it with DefaultLatency().
type Latency struct {
	// Dist is the distribution: constant, uniform, normal, exponential or long-tail
	// (DistConstant, DistUniform, DistNormal, DistExponential, DistLongTail).
	Dist string `yaml:"dist" json:"dist"`
	// Mean is the delay (constant) or the average delay (normal, exponential,
	// long-tail; above Min for the last two).
	Mean Duration `yaml:"mean" json:"mean,omitempty"`
	// Stddev is the standard deviation of a normal latency; it must be above 0.
	Stddev Duration `yaml:"stddev" json:"stddev,omitempty"`
	// Min is the lower bound: uniform's low end, normal's clamp, exponential's offset,
	// long-tail's start (above 0s).
	Min Duration `yaml:"min" json:"min,omitempty"`
	// Max is uniform's high end, above Min; or long-tail's cap, above Mean (optional).
	Max Duration `yaml:"max" json:"max,omitempty"`
}

// Latency distributions, as written in scenario files.
const (
	DistConstant    = "constant"
	DistUniform     = "uniform"
	DistNormal      = "normal"
	DistExponential = "exponential"
	DistLongTail    = "long-tail"
)

// Disk models the servers' disks.
type Disk struct {
	// WriteLatency is the modeled fsync cost of every durable write (raft log append,
	// stable-state update, snapshot), paid in virtual time. Zero means free writes.
	WriteLatency Duration `yaml:"write_latency" json:"write_latency,omitempty"`
}

// Workload is the simulated KV clients: processes on hosts of their own (127.0.9.N) that
// call the agents' HTTP API, one request at a time (Think) or on a schedule (Rate), and
// record each request as an op_call and an op_return event. Zero fields mean "not set";
// ApplyDefaults fills them. Its rules and limits are in workload.go.
type Workload struct {
	// Clients is the number of workload client processes, 1 to MaxWorkloadClients.
	Clients int `yaml:"clients" json:"clients,omitempty"`
	// Rate makes each client an open loop: operations start at this rate, per client,
	// whether earlier ones have returned or not. Excludes Think.
	Rate Rate `yaml:"rate" json:"rate,omitempty"`
	// Think makes each client a closed loop: one operation at a time, and this pause
	// between the return of one and the call of the next. Excludes Rate.
	Think Duration `yaml:"think" json:"think,omitempty"`
	// Keys is the size of the key space, keys k0 to k(Keys-1), each picked uniformly.
	Keys int `yaml:"keys" json:"keys,omitempty"`
	// Mix weighs the kinds of operation.
	Mix Mix `yaml:"mix" json:"mix"`
	// ReadModes are the read modes a get picks from, uniformly.
	ReadModes []string `yaml:"read_modes" json:"read_modes,omitempty"`
	// Via says which agents the clients talk to: client i takes Via[(i-1) % len(Via)],
	// resolved anew for every request.
	Via []string `yaml:"via" json:"via,omitempty"`
	// Timeout bounds each request; a request that times out has an unknown outcome.
	Timeout Duration `yaml:"timeout" json:"timeout,omitempty"`
	// Start is when the clients start, in virtual time (0: at once).
	Start Duration `yaml:"start" json:"start,omitempty"`
	// Stop is when the clients stop starting operations (0: at the end of the run).
	Stop Duration `yaml:"stop" json:"stop,omitempty"`
	// Locks adds lock clients: sessions and KV locks through agents (locks.go).
	Locks *Locks `yaml:"locks" json:"locks,omitempty"`
}
