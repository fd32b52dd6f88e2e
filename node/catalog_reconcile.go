package node

import (
	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/serf"
)

// reconcileCatalog is the leader's side of serf health, as Consul's leader reconciles
// members: every gossip member is in the catalog with a serfHealth check that says what
// gossip says, passing while it is alive ("Agent alive and reachable") and critical once
// it failed ("Agent not live or unreachable"); a member that left, or was reaped, is
// deregistered with everything on it (the leader never deregisters itself). It writes
// only what differs, one raft entry per node, and leaves what fails to the next round.
// Called only from the server's reconcile loop, while it leads.
func (a *Agent) reconcileCatalog() {
	cat := a.srv.fsm.catalog
	nodes, _ := cat.Nodes()
	addrs := make(map[string]string, len(nodes))
	for _, n := range nodes {
		addrs[n.Node] = n.Address
	}
	serfChecks, _ := cat.Checks(func(c *catalog.Check) bool { return c.CheckID == catalog.SerfCheckID })
	health := make(map[string]string, len(serfChecks))
	for _, c := range serfChecks {
		health[c.Node] = c.Status
	}
	members := a.serf.Members()
	known := make(map[string]bool, len(members))
	for _, m := range members {
		known[m.Name] = true
		status, output := catalog.Passing, catalog.SerfCheckAliveOutput
		switch m.Status {
		case serf.StatusAlive:
		case serf.StatusFailed:
			status, output = catalog.Critical, catalog.SerfCheckFailOutput
		case serf.StatusLeft:
			if _, ok := addrs[m.Name]; ok && m.Name != a.cfg.Name {
				a.srv.applyCatalog(catalog.Request{Op: catalog.OpDeregister, Node: m.Name})
			}
			continue
		default:
			continue // leaving: wait for left
		}
		if health[m.Name] == status && addrs[m.Name] == m.Addr {
			continue
		}
		a.srv.applyCatalog(catalog.Request{Op: catalog.OpRegister, Node: m.Name, Address: m.Addr, Checks: []*catalog.Check{{
			CheckID: catalog.SerfCheckID, Name: catalog.SerfCheckName, Status: status, Output: output,
		}}})
	}
	// Reaped: nodes with a serf health check that gossip no longer knows.
	for _, c := range serfChecks {
		if !known[c.Node] && c.Node != a.cfg.Name {
			a.srv.applyCatalog(catalog.Request{Op: catalog.OpDeregister, Node: c.Node})
		}
	}
}
