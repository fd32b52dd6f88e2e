package world

import (
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/cpumodel"
	"github.com/consim/consim/diskmodel"
	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/node"
	"github.com/consim/consim/node/leanhttp"
	"github.com/consim/consim/node/serf"
	"github.com/consim/consim/scenarios"
)

// simNode is one host of the world and the agent running on it (nil while down).
type simNode struct {
	name   string
	addr   string
	server bool
	host   *netmodel.Host
	disk   *diskmodel.Disk // outlives the agent across crashes: raft's stores on a server, the Serf clocks on every node
	agent  *node.Agent
	voice  *voice // the running agent's way into the stream
	left   bool   // it left gracefully: the liveness phase does not bring it back
	// starting: its agent is starting, in the background. stopping counts the crashes and
	// leaves whose agent is still shutting down; afterStop is what waits for them
	// (restarts). lifecycle.go.
	starting  bool
	stopping  int
	afterStop []func()

	endpoints []*leanhttp.Server // its services' HTTP endpoints (services.go)

	reported node.RaftProgress // last raft_progress/raft_config reported
	starts   int               // how often its agent was started: each start seeds its gossip anew
}

func (n *simNode) gossipAddr() string { return net.JoinHostPort(n.addr, strconv.Itoa(gossipPort)) }
func (n *simNode) raftAddr() string   { return net.JoinHostPort(n.addr, strconv.Itoa(raftPort)) }
func (n *simNode) httpAddr() string   { return net.JoinHostPort(n.addr, strconv.Itoa(httpPort)) }

func (n *simNode) role() string {
	if n.server {
		return event.RoleServer
	}
	return event.RoleClient
}

// addNodes creates one host per agent. Servers live in 127.0.1.0/24 and clients in
// 127.0.2.0/24, so an address says what a node is; the scenario bounds keep both in range.
func (w *World) addNodes() error {
	c := w.spec.Scenario.Cluster
	for i := 1; i <= c.Servers; i++ {
		w.nodes = append(w.nodes, &simNode{name: fmt.Sprintf("server-%d", i), addr: fmt.Sprintf("127.0.1.%d", i), server: true})
	}
	for i := 1; i <= c.Clients; i++ {
		w.nodes = append(w.nodes, &simNode{name: fmt.Sprintf("client-%d", i), addr: fmt.Sprintf("127.0.2.%d", i)})
	}
	nics := map[string][]string{} // node -> peers routed over its eth1
	for _, nc := range w.spec.Scenario.Network.NICs {
		nics[nc.Node] = nc.Routes
	}
	for _, n := range w.nodes {
		addrs := []string{n.addr}
		routes, dual := nics[n.name]
		if dual {
			addrs = append(addrs, secondNIC(n))
		}
		h, err := w.net.AddHost(n.name, addrs...)
		if err != nil {
			return fmt.Errorf("world: add host %s: %w", n.name, err)
		}
		for _, peer := range routes {
			h.SetRoute(peer, 1)
		}
		n.host = h
		// Every agent has a disk, as every Consul agent has a data directory: a client's
		// holds only its Serf clocks. The planted fsync-lies bug is the servers' (raft's).
		n.disk = diskmodel.New(diskmodel.Config{WriteLatency: w.spec.Scenario.Disk.WriteLatency.D()})
		if n.server {
			n.disk.SetFsyncLies(slices.Contains(w.spec.Scenario.Bugs, scenarios.BugFsyncLies))
		}
	}
	return nil
}

// secondNIC is the address of a node's eth1: 127.0.3.N for server-N, 127.0.4.N for
// client-N.
func secondNIC(n *simNode) string {
	ip := net.ParseIP(n.addr).To4()
	return fmt.Sprintf("127.0.%d.%d", ip[2]+2, ip[3])
}

// voters is the static bootstrap configuration: every server, as Consul's
// bootstrap_expect would reach once all servers see each other.
func (w *World) voters() []raft.Server {
	var out []raft.Server
	for _, n := range w.nodes {
		if n.server {
			out = append(out, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(n.name), Address: raft.ServerAddress(n.raftAddr())})
		}
	}
	return out
}

// start brings up the agent on n's host in the background (starting a server reads and
// may write its disk, which takes virtual time): node_up once it runs, then up (if not nil).
// An agent that does not start is a bug of the world, and panics.
func (w *World) start(n *simNode, up func()) {
	cfg, err := w.agentConfig(n)
	if err != nil {
		panic(fmt.Sprintf("world: start %s: %v (seed %d)", n.name, err, w.spec.Seed))
	}
	n.starting = true
	if w.catalogOn() {
		w.startEndpoints(n)
	}
	w.background(func() func() {
		a, err := node.Start(cfg)
		return func() {
			n.starting = false
			if err != nil {
				panic(fmt.Sprintf("world: start %s: %v (seed %d)", n.name, err, w.spec.Seed))
			}
			n.agent, n.left = a, false
			w.emit.emit(event.Event{Type: event.NodeUp, Node: n.name, Addr: n.addr, Role: n.role(), Tags: a.Tags()})
			if up != nil {
				up()
			}
		}
	})
}

// agentConfig is the configuration of n's agent, with its listeners open on n's host, and
// a new voice for it in the stream.
func (w *World) agentConfig(n *simNode) (node.Config, error) {
	n.voice = &voice{e: w.emit}
	trans, err := netmodel.NewMemberlistTransport(n.host, n.addr, gossipPort)
	if err != nil {
		return node.Config{}, fmt.Errorf("gossip transport: %w", err)
	}
	cfg := node.Config{
		Name:       n.name,
		Addr:       n.addr,
		GossipPort: gossipPort,
		Transport:  trans,
		Server:     n.server,
		Observer:   observer{n.voice},
	}
	// Planted bugs (scenario bugs:): the node's own, on every start; fsync-lies is the
	// disk's, set once when the disk is made (addNodes).
	cfg.UnsafeBugs, _ = node.ParseBugs(w.spec.Scenario.Bugs)
	w.configureGossip(n, &cfg)  // profile, tags, Serf options, handlers (gossip.go)
	w.configureCatalog(n, &cfg) // services and checks (services.go)
	if w.spec.Trace {
		cfg.LogOutput = &logWriter{e: n.voice, node: n.name}
	} else {
		cfg.LogOutput = io.Discard
	}
	if cfg.HTTPListener, err = n.host.Listen(n.addr, httpPort); err != nil {
		return node.Config{}, fmt.Errorf("http listener: %w", err)
	}
	cfg.Dial, cfg.RPCPort = n.host.DialContext, rpcPort
	// A fresh handle, as for raft's stores below: the clocks that survived are what the
	// restarted agent starts from.
	cfg.GossipClocks = n.disk.StableStore()
	if err := w.configureDNS(n, &cfg); err != nil {
		return node.Config{}, err
	}
	if n.server {
		layer, err := netmodel.NewRaftLayer(n.host, n.addr, raftPort)
		if err != nil {
			return node.Config{}, fmt.Errorf("raft layer: %w", err)
		}
		if cfg.RPCListener, err = n.host.Listen(n.addr, rpcPort); err != nil {
			return node.Config{}, fmt.Errorf("rpc listener: %w", err)
		}
		cfg.RaftLayer = layer
		if w.spec.Scenario.Network.RaftTransport == scenarios.RaftTransportFast {
			cfg.NewRaftTransport = func(timeout time.Duration) raft.Transport { return netmodel.NewRaftTransport(layer, timeout) }
		}
		// A new processor on every start: a restarted process has an empty queue. None
		// at all when the scenario models no CPU, so such runs take the path they always did.
		if st := w.spec.Scenario.CPU.ServiceTime; !st.IsZero() {
			cfg.CPU = cpumodel.New(cpumodel.Config{Get: st.Get.D(), Put: st.Put.D(), CAS: st.CAS.D(), Delete: st.Delete.D()})
		}
		if expect := w.spec.Scenario.Cluster.BootstrapExpect; expect > 0 {
			cfg.BootstrapExpect = expect
		} else {
			cfg.Bootstrap = w.voters()
		}
		// Fresh handles on the disk: after a crash the old ones are dead, and what the
		// restarted server finds is what survived.
		cfg.Stores = node.Stores{Log: n.disk.LogStore(), Stable: n.disk.StableStore(), Snapshot: n.disk.SnapshotStore()}
	}
	return cfg, nil
}

// The modeled processor is what a server's KV endpoints hold (scenario cpu:).
var _ node.CPU = (*cpumodel.CPU)(nil)

// observer turns the agents' state changes into events.
type observer struct{ e sink }

func (o observer) MemberStatus(self, member string, status serf.MemberStatus, addr string) {
	o.e.emit(event.Event{Type: event.Member, Node: self, Member: member, Status: status.String(), Addr: addr})
}

func (o observer) RaftState(self, state string, term uint64) {
	o.e.emit(event.Event{Type: event.RaftState, Node: self, State: state, Term: term})
}
