package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// TargetNames returns every host name a fault target may use, in this order: the
// servers (server-1..), the client agents (client-1..) and the workload clients
// (c1.., when the scenario has a workload; their number defaults as ApplyDefaults would
// set it). Dynamic targets (IsDynamicTarget) and node sets (IsNodeSet) are not host
// names and are not listed.
func (s *Scenario) TargetNames() []string {
	names := s.NodeNames()
	for i := 1; i <= s.workloadClients(); i++ {
		names = append(names, "c"+strconv.Itoa(i))
	}
	return names
}

// IsDynamicTarget reports whether t is a target resolved when a fault fires: leader,
// follower, random-server, random-client or random-node.
func IsDynamicTarget(t string) bool { return slices.Contains(DynamicTargets, t) }

// IsNodeSet reports whether t is a node set a target list may hold: servers, clients,
// followers or nodes.
func IsNodeSet(t string) bool { return slices.Contains(NodeSets, t) }

// workloadClients is the number of workload clients, defaults applied, bounded by
// MaxWorkloadClients so that an invalid count never makes a huge list.
func (s *Scenario) workloadClients() int {
	if s.Workload == nil {
		return 0
	}
	n := s.Workload.Clients
	if n == 0 {
		n = DefaultWorkloadClients
	}
	return min(max(n, 0), MaxWorkloadClients)
}

// Kinds of host, as hostOf returns them.
const (
	hostServer   = "server"
	hostClient   = "client"
	hostWorkload = "workload"
)

// hostOf returns the kind of host name is (hostServer, hostClient, hostWorkload) if it
// is written like one (server-N, client-N, cN with N from 1, no leading zero), with N;
// ok says whether the scenario has that host.
func (s *Scenario) hostOf(name string) (kind string, n int, ok bool) {
	for _, h := range []struct {
		prefix, kind string
		count        int
	}{
		{"server-", hostServer, s.Cluster.Servers},
		{"client-", hostClient, s.Cluster.Clients},
		{"c", hostWorkload, s.workloadClients()},
	} {
		rest, found := strings.CutPrefix(name, h.prefix)
		if !found {
			continue
		}
		v, err := strconv.Atoi(rest)
		if err != nil || v < 1 || strconv.Itoa(v) != rest {
			return "", 0, false
		}
		return h.kind, v, v <= h.count
	}
	return "", 0, false
}

// targetClass says which targets a field takes.
type targetClass int

const (
	// anyHost: an agent, a workload client (cN) or a dynamic target.
	anyHost targetClass = iota
	// agentHost: an agent (server-N, client-N) or a dynamic target.
	agentHost
	// serverHost: a server or a dynamic target that resolves to one (leader,
	// follower, random-server): only servers have disks.
	serverHost
	// namedAgent: an agent by name; no dynamic target.
	namedAgent
)

// serverTargets are the dynamic targets that always resolve to a server.
var serverTargets = []string{TargetLeader, TargetFollower, TargetRandomServer}

// allowedTargets says in words which targets a field of class cl takes, in list (with
// node sets) or not.
func (s *Scenario) allowedTargets(cl targetClass, list bool) string {
	var parts []string
	add := func(prefix string, n int) {
		switch {
		case n == 1:
			parts = append(parts, prefix+"1")
		case n > 1:
			parts = append(parts, fmt.Sprintf("%s1 to %s%d", prefix, prefix, n))
		}
	}
	add("server-", s.Cluster.Servers)
	if cl != serverHost {
		add("client-", s.Cluster.Clients)
	}
	if cl == anyHost {
		add("c", s.workloadClients())
	}
	switch cl {
	case anyHost, agentHost:
		parts = append(parts, DynamicTargets...)
	case serverHost:
		parts = append(parts, serverTargets...)
	}
	if list {
		parts = append(parts, NodeSets...)
	}
	return strings.Join(parts, ", ")
}

// checkTargetName checks one target at path: a host name of class cl, a dynamic target
// (unless cl is namedAgent) or, in a target list, a node set. It reports whether the
// target is fine.
func checkTargetName(c *validator, s *Scenario, path, t string, cl targetClass, list bool) bool {
	allowed := func() string { return "; allowed: " + s.allowedTargets(cl, list) }
	if t == "" {
		c.errorf(path, "must name a target%s", allowed())
		return false
	}
	switch {
	case IsDynamicTarget(t):
		switch {
		case cl == namedAgent:
			c.errorf(path, "must name a node, not the dynamic target %s%s", t, allowed())
		case cl == serverHost && !slices.Contains(serverTargets, t):
			c.errorf(path, "%s may resolve to a client agent, and only servers have disks%s", t, allowed())
		case t == TargetFollower && s.Cluster.Servers == 1:
			c.errorf(path, "a cluster with one server has no follower%s", allowed())
		case t == TargetRandomClient && s.Cluster.Clients == 0:
			c.errorf(path, "the cluster has no client agents (cluster.clients is 0)%s", allowed())
		default:
			return true
		}
		return false
	case IsNodeSet(t):
		switch {
		case !list:
			c.errorf(path, "%s is a set of nodes, and this field takes one%s", t, allowed())
		case t == SetFollowers && s.Cluster.Servers == 1:
			c.errorf(path, "a cluster with one server has no followers%s", allowed())
		case t == SetClients && s.Cluster.Clients == 0:
			c.errorf(path, "the cluster has no client agents (cluster.clients is 0)%s", allowed())
		default:
			return true
		}
		return false
	}
	kind, _, ok := s.hostOf(t)
	switch {
	case !ok && kind == hostWorkload && s.Workload == nil:
		c.errorf(path, "no node %q: the scenario has no workload, so no workload clients%s", t, allowed())
	case !ok:
		c.errorf(path, "no node %q%s", t, allowed())
	case kind == hostWorkload && cl != anyHost:
		c.errorf(path, "%s is a workload client, not an agent%s", t, allowed())
	case kind == hostClient && cl == serverHost:
		c.errorf(path, "%s is a client agent, and only servers have disks%s", t, allowed())
	default:
		return true
	}
	return false
}

// checkTargetList checks a required, non-empty list of targets of class anyHost, sets
// allowed, none written twice. It reports whether every entry is fine.
func checkTargetList(c *validator, s *Scenario, path string, list []string) bool {
	if !c.has(path, len(list) > 0) {
		c.missing(path)
		return false
	}
	if c.broken(path) {
		return false
	}
	if len(list) == 0 {
		c.errorf(path, "must list at least one target; allowed: %s", s.allowedTargets(anyHost, true))
		return false
	}
	ok := true
	for i, t := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !checkTargetName(c, s, p, t, anyHost, true) {
			ok = false
		} else if slices.Index(list, t) < i {
			c.errorf(p, "%s is listed twice", t)
			ok = false
		}
	}
	return ok
}

// members returns the hosts target t stands for when that is known before the run (a
// host name, servers, clients, nodes), and otherwise (a dynamic target, followers) nil
// and the hosts it may resolve to. The scenario's cluster must be valid.
func (s *Scenario) members(t string) (static, domain []string) {
	servers := func() []string { return s.NodeNames()[:s.Cluster.Servers] }
	switch t {
	case SetServers:
		return servers(), nil
	case SetClients:
		return s.NodeNames()[s.Cluster.Servers:], nil
	case SetNodes:
		return s.NodeNames(), nil
	case SetFollowers, TargetLeader, TargetFollower, TargetRandomServer:
		return nil, servers()
	case TargetRandomClient:
		return nil, s.NodeNames()[s.Cluster.Servers:]
	case TargetRandomNode:
		return nil, s.NodeNames()
	}
	return []string{t}, nil
}

// clusterOK reports whether the cluster's shape is valid, so that rules may list its
// nodes.
func (s *Scenario) clusterOK() bool {
	cl := s.Cluster
	return cl.Servers >= 1 && cl.Servers <= MaxServers && cl.Clients >= 0 && cl.Clients <= MaxClients &&
		cl.Servers+cl.Clients <= MaxNodes
}

// agents returns how many agents the cluster has.
func (s *Scenario) agents() int { return s.Cluster.Servers + s.Cluster.Clients }
