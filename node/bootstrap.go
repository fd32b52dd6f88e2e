package node

import (
	"context"
	"net"
	"sort"
	"strconv"
	"time"

	"github.com/hashicorp/raft"
)

// Tags a server advertises for Consul-style bootstrapping.
const (
	// TagExpect carries the server's bootstrap_expect.
	TagExpect = "expect"
	// TagRaftPort carries the port its raft listens on.
	TagRaftPort = "raft_port"
)

// bootstrapInterval is how often a server waiting to bootstrap looks at the members.
const bootstrapInterval = 500 * time.Millisecond

// bootstrapLoop is Consul's bootstrap_expect: a server with no raft state watches gossip
// until it sees expect alive servers advertising the same expect, asks each of them
// whether it already has raft peers (if one does, the cluster exists and bootstrapping
// now would split it), and otherwise bootstraps raft with exactly those servers. Every
// server does the same with the same set, which raft accepts as one configuration.
func (a *Agent) bootstrapLoop(expect int, done <-chan struct{}) {
	t := time.NewTicker(bootstrapInterval)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		if a.tryBootstrap(expect) {
			return
		}
	}
}

// tryBootstrap makes one attempt; it reports whether the loop is over (bootstrapped, or
// found the cluster already formed).
func (a *Agent) tryBootstrap(expect int) bool {
	r := a.srv.raft
	if f := r.GetConfiguration(); f.Error() == nil && len(f.Configuration().Servers) > 0 {
		return true // raft has a configuration already (restarted, or bootstrapped by a peer's log)
	}
	want := strconv.Itoa(expect)
	var servers []raft.Server
	for _, m := range a.Servers() {
		if m.Tags[TagExpect] != want {
			continue
		}
		port, err := strconv.Atoi(m.Tags[TagRaftPort])
		if err != nil {
			continue
		}
		servers = append(servers, raft.Server{
			Suffrage: raft.Voter,
			ID:       raft.ServerID(m.Name),
			Address:  raft.ServerAddress(net.JoinHostPort(m.Addr, strconv.Itoa(port))),
		})
	}
	if len(servers) < expect {
		return false
	}
	sort.Slice(servers, func(i, j int) bool { return servers[i].ID < servers[j].ID })
	for _, s := range servers {
		if s.ID == raft.ServerID(a.cfg.Name) || a.api == nil {
			continue
		}
		host, _, _ := net.SplitHostPort(string(s.Address))
		var peers []string
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := a.api.rpc.call(ctx, net.JoinHostPort(host, strconv.Itoa(a.cfg.RPCPort)), "Status.Peers", struct{}{}, &peers)
		cancel()
		if err != nil {
			return false // cannot tell yet; try again
		}
		if len(peers) > 0 {
			return true // a cluster exists: it will add us through its own log
		}
	}
	if err := r.BootstrapCluster(raft.Configuration{Servers: servers}).Error(); err != nil && err != raft.ErrCantBootstrap {
		return false
	}
	return true
}

// reconcileInterval is how often a leader compares gossip's servers with raft's voters.
const reconcileInterval = time.Second

// reconcileLoop runs on every server; while it leads (and has applied its barrier), it
// adds as voters the servers gossip shows alive that raft's configuration lacks, as
// Consul's leader does when a server joins. It never removes a server: a failed server
// stays a voter until an operator removes it (consim has no autopilot). With the
// catalog, it also keeps the catalog's serf health in step with gossip
// (catalog_reconcile.go), at once when membership changes.
func (a *Agent) reconcileLoop(done <-chan struct{}) {
	t := time.NewTicker(reconcileInterval)
	defer t.Stop()
	for {
		tick := true
		if a.disc == nil {
			// Without the catalog, exactly the select it always had: a case more would
			// change how the runtime draws its random numbers, and so every run.
			select {
			case <-done:
				return
			case <-t.C:
			}
		} else {
			select {
			case <-done:
				return
			case <-t.C:
			case <-a.disc.members:
				tick = false
			}
		}
		if a.srv.readyForConsistentReads() {
			if tick {
				a.addMissingVoters()
			}
			if a.disc != nil {
				a.reconcileCatalog()
			}
		}
	}
}

func (a *Agent) addMissingVoters() {
	r := a.srv.raft
	f := r.GetConfiguration()
	if f.Error() != nil {
		return
	}
	known := map[raft.ServerID]bool{}
	for _, s := range f.Configuration().Servers {
		known[s.ID] = true
	}
	for _, m := range a.Servers() {
		port, err := strconv.Atoi(m.Tags[TagRaftPort])
		if err != nil || known[raft.ServerID(m.Name)] {
			continue
		}
		addr := raft.ServerAddress(net.JoinHostPort(m.Addr, strconv.Itoa(port)))
		// Errors (lost leadership, a configuration change in flight) are retried on the
		// next round.
		r.AddVoter(raft.ServerID(m.Name), addr, 0, 10*time.Second).Error()
	}
}
