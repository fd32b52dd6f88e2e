package bench

import (
	"strings"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// Paths, as a matrix names them: how a request enters the cluster.
const (
	PathLeader   = "leader"   // straight to the server that leads
	PathFollower = "follower" // to a server that does not lead
	PathClient   = "client"   // to a client agent, which forwards to a server
)

// AllPaths lists the paths in report order.
var AllPaths = []string{PathLeader, PathFollower, PathClient}

// AllOps lists the operations a matrix may measure, in report order.
var AllOps = []string{event.OpGet, event.OpPut, event.OpCAS, event.OpDelete}

// pathVia is the workload target (workload.via) of each path.
var pathVia = map[string]string{
	PathLeader:   scenarios.ViaLeader,
	PathFollower: scenarios.ViaFollowers,
	PathClient:   scenarios.ViaClients,
}

// pathRole is the role an op_call records for a request of each path: a cell holds the
// requests whose agent had that role when they were made (a leader path with no leader
// falls back to any server, whose request then counts as a follower's, or not at all).
var pathRole = map[string]string{
	PathLeader:   event.ViaRoleLeader,
	PathFollower: event.ViaRoleFollower,
	PathClient:   event.ViaRoleClient,
}

// Matrix is what a benchmark measures: every combination of its lists. Each condition,
// offered rate and seed is one run of the scenario; modes, paths and ops are cells of
// every run.
type Matrix struct {
	// Modes are the read modes gets use.
	Modes []string `yaml:"modes" json:"modes"`
	// Paths are how requests enter the cluster (AllPaths): one workload client each.
	Paths []string `yaml:"paths" json:"paths"`
	// Ops are the operations measured (AllOps): a get is split by read mode.
	Ops []string `yaml:"ops" json:"ops"`
	// Rates are the offered rates: requests a second of all clients together, in an open
	// loop (a Poisson process), each rate one run per condition and seed.
	Rates []scenarios.Rate `yaml:"rates" json:"rates"`
	// Seeds are the run seeds; a cell's figures pool every seed's requests.
	Seeds []uint64 `yaml:"seeds" json:"seeds"`
	// Conditions are what each run of the scenario changes: links, disk, CPU, faults.
	Conditions []Condition `yaml:"conditions" json:"conditions"`
}

// Condition is a change to the scenario under which every rate and seed runs. A field it
// leaves out keeps the scenario's value; a condition with nothing but a name is the
// scenario as written.
type Condition struct {
	// Name names the condition in reports and run directories.
	Name string `yaml:"name" json:"name"`
	// Network replaces the scenario's network.latency and network.loss, each if given.
	Network NetworkChange `yaml:"network" json:"network,omitzero"`
	// Disk replaces the scenario's disk.write_latency, if given.
	Disk DiskChange `yaml:"disk" json:"disk,omitzero"`
	// CPU replaces the scenario's cpu section, if given.
	CPU *scenarios.CPU `yaml:"cpu" json:"cpu,omitempty"`
	// Faults are added to the scenario's faults.
	Faults []scenarios.Fault `yaml:"faults" json:"faults,omitempty"`

	at int // its index in the matrix file's list, where its problems are placed
}

// NetworkChange is a condition's change to the scenario's network.
type NetworkChange struct {
	Latency *scenarios.Latency `yaml:"latency" json:"latency,omitempty"`
	Loss    *float64           `yaml:"loss" json:"loss,omitempty"`
}

// DiskChange is a condition's change to the scenario's disk.
type DiskChange struct {
	WriteLatency *scenarios.Duration `yaml:"write_latency" json:"write_latency,omitempty"`
}

// Changes returns what c changes, in scenario syntax on one line ("network.latency:
// {dist: constant, mean: 50ms}; disk.write_latency: 10ms"), or "" when it changes nothing.
func (c Condition) Changes() string {
	var parts []string
	add := func(field string, v any) { parts = append(parts, field+": "+scenarios.Flow(v)) }
	if l := c.Network.Latency; l != nil {
		add("network.latency", *l)
	}
	if l := c.Network.Loss; l != nil {
		add("network.loss", *l)
	}
	if d := c.Disk.WriteLatency; d != nil {
		add("disk.write_latency", *d)
	}
	if c.CPU != nil {
		add("cpu", *c.CPU)
	}
	for _, f := range c.Faults {
		add("fault", f)
	}
	return strings.Join(parts, "; ")
}
