package scenarios

import (
	"fmt"
	"strings"
)

// The rules of the fault kinds that have fields of their own: partition, link, the NIC
// faults and nemesis. The others are checked in faultChecker.kind.

// partition checks a partition's shape: exactly one of groups, split, bridge, ring.
func (fc *faultValidator) partition(pp string, p *Partition) {
	c, s := fc.c, fc.s
	var shapes []string
	for _, x := range []struct {
		key string
		set bool
	}{{"groups", len(p.Groups) > 0}, {"split", p.Split != ""}, {"bridge", p.Bridge != ""}, {"ring", p.Ring}} {
		if c.has(pp+"."+x.key, x.set) {
			shapes = append(shapes, x.key)
		}
	}
	switch {
	case len(shapes) == 0 && c.unknownKeyIn(pp):
		return
	case len(shapes) == 0:
		c.errorf(pp, "write one of groups, split, bridge, ring")
		return
	case len(shapes) > 1:
		c.errorf(pp, "write exactly one of groups, split, bridge, ring; found %s", strings.Join(shapes, " and "))
		return
	}
	switch shapes[0] {
	case "groups":
		if len(p.Groups) < 2 {
			c.errorf(pp+".groups", "must list at least two groups (traffic is cut between groups), got %d", len(p.Groups))
			return
		}
		ok := true
		for i, g := range p.Groups {
			if !checkTargetList(c, s, fmt.Sprintf("%s.groups[%d]", pp, i), g) {
				ok = false
			}
		}
		if ok && s.clusterOK() {
			fc.disjointGroups(pp+".groups", p.Groups)
		}
	case "split":
		switch {
		case p.Split != SplitMajority && p.Split != SplitLeaderMinority:
			c.errorf(pp+".split", "must be majority or leader-minority, got %q", p.Split)
		case s.Cluster.Servers < minSplitServers:
			c.errorf(pp+".split", "needs at least %d servers to cut a majority from a minority, and the cluster has %d", minSplitServers, s.Cluster.Servers)
		}
	case "bridge":
		if checkTargetName(c, s, pp+".bridge", p.Bridge, agentHost, false) && s.agents() < minBridgeAgents {
			c.errorf(pp+".bridge", "needs at least %d agents (the bridge and one on each side), and the cluster has %d", minBridgeAgents, s.agents())
		}
	case "ring":
		switch {
		case !p.Ring:
			c.errorf(pp+".ring", "write ring: true (or leave ring out)")
		case s.agents() < minRingAgents:
			c.errorf(pp+".ring", "needs at least %d agents (on a ring of 3 every node is a neighbour of the others, and nothing is cut), and the cluster has %d", minRingAgents, s.agents())
		}
	}
}

// disjointGroups reports a node that is in two groups, directly or through a set, and a
// dynamic target that is in one group but always resolves to a node of another.
func (fc *faultValidator) disjointGroups(path string, groups [][]string) {
	s := fc.s
	owner := map[string]int{} // host -> the group that holds it before the run
	for i, g := range groups {
		for k, t := range g {
			static, _ := s.members(t)
			for _, h := range static {
				if j, ok := owner[h]; ok && j != i {
					what := h
					if t != h {
						what = fmt.Sprintf("%s (one of %s)", h, t)
					}
					fc.c.errorf(fmt.Sprintf("%s[%d][%d]", path, i, k), "%s is in groups[%d] too: a node can be in one group only", what, j)
					return
				}
				owner[h] = i
			}
		}
	}
	for i, g := range groups {
		for k, t := range g {
			_, domain := s.members(t)
			if len(domain) == 0 {
				continue
			}
			j, ok := owner[domain[0]]
			always := ok && j != i
			for _, h := range domain {
				if o, ok := owner[h]; !ok || o != j {
					always = false
				}
			}
			if always {
				fc.c.errorf(fmt.Sprintf("%s[%d][%d]", path, i, k), "%s always resolves to a node of groups[%d]: a node can be in one group only", t, j)
				return
			}
		}
	}
}

// link checks a link fault: its scope (between, node, from and to, or everywhere) and
// what it changes.
func (fc *faultValidator) link(lp string, l *LinkFault) {
	c, s := fc.c, fc.s
	between, node := c.has(lp+".between", len(l.Between) > 0), c.has(lp+".node", l.Node != "")
	from, to := c.has(lp+".from", len(l.From) > 0), c.has(lp+".to", len(l.To) > 0)
	var scopes []string
	for _, x := range []struct {
		key string
		set bool
	}{{"between", between}, {"node", node}, {"from and to", from || to}} {
		if x.set {
			scopes = append(scopes, x.key)
		}
	}
	switch {
	case len(scopes) > 1:
		c.errorf(lp, "write one of between (one link), node (every link of a node) or from and to (the links from some nodes to others), or none (every link); found %s", strings.Join(scopes, " and "))
	case between && len(l.Between) != 2:
		c.errorf(lp+".between", "must name two nodes (one link), got %d", len(l.Between))
	case between:
		a := checkTargetName(c, s, lp+".between[0]", l.Between[0], anyHost, false)
		b := checkTargetName(c, s, lp+".between[1]", l.Between[1], anyHost, false)
		if a && b && l.Between[0] == l.Between[1] && !IsDynamicTarget(l.Between[0]) {
			c.errorf(lp+".between[1]", "names %s twice: a link joins two different nodes", l.Between[0])
		}
	case node:
		checkTargetName(c, s, lp+".node", l.Node, anyHost, false)
	case from || to:
		checkTargetList(c, s, lp+".from", l.From)
		checkTargetList(c, s, lp+".to", l.To)
	}
	latency := c.has(lp+".latency", l.Latency != nil)
	changes := latency
	for _, p := range []struct {
		key string
		v   float64
	}{{"loss", l.Loss}, {"duplicate", l.Duplicate}, {"reorder", l.Reorder}} {
		if !c.has(lp+"."+p.key, p.v != 0) {
			continue
		}
		changes = true
		if !(p.v >= 0 && p.v <= 1) {
			c.errorf(lp+"."+p.key, "must be a probability from 0 to 1, got %v", p.v)
		}
	}
	if !changes && !c.unknownKeyIn(lp) {
		c.errorf(lp, "changes nothing: write at least one of latency, loss, duplicate, reorder")
	}
	if latency && l.Latency != nil {
		checkLatency(c, lp+".latency", *l.Latency, true)
	}
}

// nic checks the node and NIC of a NIC fault at kp.
func (fc *faultValidator) nic(kp, node, nic string) {
	c, s := fc.c, fc.s
	nodeOK := false
	if !c.has(kp+".node", node != "") {
		c.missing(kp + ".node")
	} else {
		nodeOK = checkTargetName(c, s, kp+".node", node, agentHost, false)
	}
	switch {
	case !c.has(kp+".nic", nic != ""):
		c.missing(kp + ".nic")
	case nic != NICPrimary && nic != NICSecondary:
		c.errorf(kp+".nic", "must be eth0 (every node's) or eth1 (declared in network.nics), got %q", nic)
	case nic == NICSecondary && nodeOK:
		has := map[string]bool{}
		for _, n := range s.Network.NICs {
			has[n.Node] = true
		}
		if !IsDynamicTarget(node) {
			if !has[node] {
				c.errorf(kp+".nic", "%s has no eth1: declare it in network.nics (every node has eth0)", node)
			}
			return
		}
		if !s.clusterOK() {
			return
		}
		_, domain := s.members(node)
		for _, h := range domain {
			if !has[h] {
				c.errorf(kp+".nic", "%s may resolve to a node without eth1 (%s has none): declare eth1 in network.nics for every node it may resolve to, or name a node", node, h)
				return
			}
		}
	}
}

// nemesis checks a nemesis: known kinds the cluster can carry out, and its means.
func (fc *faultValidator) nemesis(kp string, n *Nemesis) {
	c, s := fc.c, fc.s
	if !c.has(kp+".kinds", len(n.Kinds) > 0) {
		c.missing(kp + ".kinds")
	} else if checkList(c, kp+".kinds", n.Kinds, NemesisKinds, false) {
		for i, k := range n.Kinds {
			p := fmt.Sprintf("%s.kinds[%d]", kp, i)
			switch {
			case k == "nic-flap" && len(s.Network.NICs) == 0:
				c.errorf(p, "nic-flap flaps a node's eth1, and this scenario declares none (network.nics)")
			case k == "split" && s.Cluster.Servers < minSplitServers:
				c.errorf(p, "split needs at least %d servers, and the cluster has %d", minSplitServers, s.Cluster.Servers)
			case k == "bridge" && s.agents() < minBridgeAgents:
				c.errorf(p, "bridge needs at least %d agents, and the cluster has %d", minBridgeAgents, s.agents())
			case k == "ring" && s.agents() < minRingAgents:
				c.errorf(p, "ring needs at least %d agents, and the cluster has %d", minRingAgents, s.agents())
			case k == "one-way" && s.agents() < minOneWayAgents:
				c.errorf(p, "one-way needs at least %d agents, and the cluster has %d", minOneWayAgents, s.agents())
			}
		}
	}
	for _, m := range []struct {
		key string
		v   Duration
	}{{"interval", n.Interval}, {"duration", n.Duration}} {
		p := kp + "." + m.key
		switch {
		case !c.has(p, m.v != 0):
			c.missing(p)
		case m.v < MinNemesisMean || m.v > MaxDuration:
			c.errorf(p, "must be between %s and %s, got %s", MinNemesisMean, MaxDuration, m.v)
		}
	}
}
