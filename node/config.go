package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/serf"
)

// Config is everything an agent needs from outside. The agent never mutates it.
type Config struct {
	// Name is the agent's unique name: memberlist node name and raft server ID.
	Name string
	// Addr is the IP the agent advertises to gossip peers.
	Addr string
	// GossipPort is the port memberlist advertises.
	GossipPort int
	// Transport carries memberlist's packets and streams. Required: memberlist with a nil
	// transport would bind real sockets.
	Transport memberlist.NodeAwareTransport
	// Profile picks memberlist's timing defaults: "lan" (default), "wan" or "local".
	Profile string
	// Tags are the agent's initial gossip tags, carried in memberlist's node meta (at
	// most 512 bytes encoded). This is how Consul's servers advertise themselves
	// (role, the datacenter, ports) and how clients find them. The agent adds
	// role=server or role=client (TagRole) unless Tags sets a role.
	Tags map[string]string
	// Gossip tunes the Serf layer (event size limit, coalescing, reap timeouts, replay);
	// zero fields take serf.DefaultOptions.
	Gossip serf.Options
	// Handlers are event handlers registered before the agent starts, so they see its
	// own join; Agent.AddHandler adds more later.
	Handlers []serf.HandlerSpec
	// Rand drives the gossip layer's own random choices (query IDs, relays,
	// reconnects); nil means the global source. A simulation passes a seeded one.
	Rand *rand.Rand
	// GossipObserver hears every record of the gossip layer (member changes, tags,
	// suspicion, user events, queries, handler invocations); nil means nobody.
	GossipObserver serf.Observer
	// DisableGossipCompression turns memberlist's LZW compression of packets and
	// push-pull streams off. A simulation sets it: its network models latency and loss,
	// not bandwidth, and memberlist sizes gossip packets before compressing them, so
	// compression changes no outcome there, only byte counts, while it costs about a
	// quarter of the guest's CPU.
	DisableGossipCompression bool
	// GossipClocks, if set, is where the gossip layer keeps its three Lamport clocks
	// (member, event, query) across crashes and restarts, as a Consul agent keeps them in
	// its Serf snapshot (serf/local.snapshot in its data directory, servers and clients
	// alike): a restarted agent then never reuses a time, which would get its next user
	// event dropped by members that had seen the old one. raft's stable store will do
	// (the clocks take a key raft never uses). nil keeps nothing.
	GossipClocks raft.StableStore
	// DisableTCPPings turns off memberlist's TCP fallback probe (DisableTcpPings): a
	// member that answers no UDP probe is then suspected even if TCP still reaches it.
	DisableTCPPings bool

	// Server makes the agent a raft voter with a state machine. The fields below are
	// used only by servers.
	Server bool
	// RaftLayer carries raft's RPCs; raft's own NetworkTransport runs over it.
	RaftLayer raft.StreamLayer
	// NewRaftTransport, if set, makes the transport that carries raft's RPCs instead of
	// a NetworkTransport over RaftLayer (a simulation's faster one), given the network
	// timeout (RaftTimeout or its default). The server closes it at shutdown if it has a
	// Close method.
	NewRaftTransport func(timeout time.Duration) raft.Transport
	// BootstrapExpect, if positive, makes this server bootstrap raft itself once it sees
	// that many servers (with the same expect) through gossip, as Consul's
	// bootstrap_expect; use it instead of Bootstrap.
	BootstrapExpect int
	// Bootstrap, if not empty, is the initial voter set this server bootstraps with.
	Bootstrap []raft.Server
	// Stores hold raft's log, stable state and snapshots; zero values mean in-memory.
	Stores Stores
	// RaftTimeout bounds raft's network I/O (NetworkTransportConfig.Timeout).
	RaftTimeout time.Duration
	// CPU, if set, is what every KV request this server handles (over HTTP or forwarded
	// over RPC) holds before it is handled; nil means requests cost no time.
	CPU CPU

	// HTTPListener, if set, serves the agent's Consul-shaped HTTP API (/v1/...).
	HTTPListener net.Listener
	// RPCListener, on a server, serves the RPCs other agents forward to it, on RPCPort.
	RPCListener net.Listener
	// RPCPort is the port every server's RPC listens on: an agent reaches a server's RPC
	// at that server's address and this port.
	RPCPort int
	// Dial opens streams to other agents' RPC ports. Required with HTTPListener or
	// RPCListener.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	// Catalog turns on Consul's service catalog (catalog_*.go, local.go): the leader keeps
	// every gossip member in it with a serfHealth check (critical once gossip says the
	// member failed), and the agent runs its services' checks and syncs them to the
	// catalog (anti-entropy). Off, the catalog stays empty and the agent's service
	// endpoints refuse registrations, so that a cluster without services commits nothing
	// but KV writes to raft.
	Catalog bool
	// Services are the agent's own services and their checks, registered when it starts
	// (Consul's service definitions in the agent's configuration). They need Catalog.
	Services []ServiceDefinition
	// AntiEntropyInterval is the base interval of the agent's full syncs with the catalog
	// (each waits this plus a random stagger of up to as much again); zero means Consul's
	// one minute.
	AntiEntropyInterval time.Duration
	// CatalogObserver hears the agent's check status changes, its anti-entropy syncs and,
	// on a server, every catalog write its state machine applies; nil means nobody.
	CatalogObserver CatalogObserver
	// SessionObserver, if set, hears a server's sessions created and invalidated and the
	// locks its leader refuses for lock-delay.
	SessionObserver SessionObserver
	// DNS is the agent's DNS interface (dns.go); a nil DNS.Conn means none. It needs the
	// HTTP API or RPC (the lookups take their path to the servers).
	DNS DNSConfig

	// UnsafeBugs plants bugs that break the node's guarantees on purpose (bugs.go), so a
	// scenario can show the checkers catch them. The zero value plants none; never set
	// one outside a scenario or test that means to.
	UnsafeBugs Bugs

	// Observer is told about state changes; nil means nobody is.
	Observer Observer
	// LogOutput receives raft's, memberlist's and the agent's log lines; nil discards them.
	LogOutput io.Writer
}

// Stores are raft's persistence. The agent does not own them: whoever passed them in can
// keep them across a crash and start a new agent on the same stores.
type Stores struct {
	Log      raft.LogStore
	Stable   raft.StableStore
	Snapshot raft.SnapshotStore
}

func (c *Config) validate() error {
	switch {
	case c.Name == "":
		return errors.New("node: config: Name is required")
	case c.Transport == nil:
		return fmt.Errorf("node %s: config: Transport is required (memberlist would bind real sockets without one)", c.Name)
	case c.Server && c.RaftLayer == nil && c.NewRaftTransport == nil:
		return fmt.Errorf("node %s: config: a server needs a RaftLayer", c.Name)
	case c.BootstrapExpect > 0 && len(c.Bootstrap) > 0:
		return fmt.Errorf("node %s: config: BootstrapExpect and Bootstrap are two ways to bootstrap: use one", c.Name)
	case (c.HTTPListener != nil || c.RPCListener != nil) && (c.Dial == nil || c.RPCPort == 0):
		return fmt.Errorf("node %s: config: the HTTP API and RPC need Dial and RPCPort", c.Name)
	}
	if c.Catalog && c.HTTPListener == nil && c.RPCListener == nil {
		return fmt.Errorf("node %s: config: the catalog needs the HTTP API or RPC (listeners, Dial and RPCPort)", c.Name)
	}
	if c.DNS.Conn != nil && c.HTTPListener == nil && c.RPCListener == nil {
		return fmt.Errorf("node %s: config: DNS needs the HTTP API or RPC (listeners, Dial and RPCPort)", c.Name)
	}
	if len(c.Services) > 0 && !c.Catalog {
		return fmt.Errorf("node %s: config: services need the catalog (Catalog)", c.Name)
	}
	if err := validateServices(c.Services); err != nil {
		return fmt.Errorf("node %s: config: %w", c.Name, err)
	}
	switch c.Profile {
	case "", "lan", "wan", "local":
	default:
		return fmt.Errorf("node %s: config: Profile %q: want lan, wan or local", c.Name, c.Profile)
	}
	return nil
}
