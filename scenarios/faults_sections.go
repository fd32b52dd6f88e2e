package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxLivenessTimeout bounds liveness.timeout.
const MaxLivenessTimeout = Duration(time.Hour)

// checkNICs checks network.nics: each entry gives one agent an eth1 and routes at least
// one other host over it.
func checkNICs(c *validator, s *Scenario) {
	first := map[string]int{}
	for i, n := range s.Network.NICs {
		path := fmt.Sprintf("network.nics[%d]", i)
		if c.broken(path) {
			continue
		}
		if !c.has(path+".node", n.Node != "") {
			c.missing(path + ".node")
		} else if checkTargetName(c, s, path+".node", n.Node, namedAgent, false) {
			if j, dup := first[n.Node]; dup {
				c.errorf(path+".node", "%s has an eth1 already (network.nics[%d]): give each node one entry", n.Node, j)
			} else {
				first[n.Node] = i
			}
		}
		if !c.has(path+".routes", len(n.Routes) > 0) {
			c.missing(path + ".routes")
			continue
		}
		if c.broken(path + ".routes") {
			continue
		}
		if len(n.Routes) == 0 {
			c.errorf(path+".routes", "must list at least one host reached over eth1 (an eth1 that carries nothing cannot fail anything)")
			continue
		}
		for j, r := range n.Routes {
			p := fmt.Sprintf("%s.routes[%d]", path, j)
			_, _, ok := s.hostOf(r)
			switch {
			case !ok:
				c.errorf(p, "no node %q; allowed: %s", r, s.allowedHosts())
			case r == n.Node:
				c.errorf(p, "%s is the node itself: routes lists the peers it reaches over eth1", r)
			case slices.Index(n.Routes, r) < j:
				c.errorf(p, "%s is listed twice", r)
			}
		}
	}
}

// allowedHosts says in words which host names the scenario has.
func (s *Scenario) allowedHosts() string {
	var parts []string
	for _, h := range []struct {
		prefix string
		n      int
	}{{"server-", s.Cluster.Servers}, {"client-", s.Cluster.Clients}, {"c", s.workloadClients()}} {
		switch {
		case h.n == 1:
			parts = append(parts, h.prefix+"1")
		case h.n > 1:
			parts = append(parts, fmt.Sprintf("%s1 to %s%d", h.prefix, h.prefix, h.n))
		}
	}
	return strings.Join(parts, ", ")
}

// checkLiveness checks the liveness section.
func checkLiveness(c *validator, s *Scenario) {
	l := s.Liveness
	if !c.has("liveness.timeout", l.Timeout != 0) {
		return
	}
	switch {
	case l.Skip:
		c.errorf("liveness.timeout", "applies only when the liveness phase runs, and skip is true")
	case l.Timeout <= 0 || l.Timeout > MaxLivenessTimeout:
		c.errorf("liveness.timeout", "must be above 0s and at most %s, got %s", MaxLivenessTimeout, l.Timeout)
	}
}

// checkBugs checks the planted bugs: known names, each once.
func checkBugs(c *validator, s *Scenario) {
	if c.has("bugs", len(s.Bugs) > 0) && len(s.Bugs) == 0 && !c.broken("bugs") {
		c.errorf("bugs", "must list at least one of %s (leave bugs out to plant none)", strings.Join(Bugs, ", "))
		return
	}
	checkList(c, "bugs", s.Bugs, Bugs, false)
}
