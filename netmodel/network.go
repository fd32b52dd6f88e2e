package netmodel

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"time"
)

// Network is a simulated network of hosts. Create it with New; it is safe
// for concurrent use.
type Network struct {
	mu     sync.Mutex
	cfg    Config // with defaults filled in; never mutated after New
	rnd    *rand.Rand
	hosts  []*Host // creation order
	byName map[string]*Host
	byIP   map[string]*Host
	links  map[linkKey]*link // lookups only, never iterated
	holds  []*holdEntry      // faults' blocks, pauses, NICs down; installation order, oldest match is charged
	imps   []*impairEntry    // faults' impairments, installation order
	held   []*pipe           // stream directions held by a fault, in hold order
	stats  Stats
}

// linkKey names a directed NIC pair.
type linkKey struct{ from, to string }

// link is the runtime state of one directed NIC pair.
type link struct {
	cfg      LinkConfig
	inflight int // packets scheduled and not yet arrived
}

// New returns an empty network. cfg.Rand is required.
func New(cfg Config) (*Network, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Network{
		cfg:    cfg,
		rnd:    cfg.Rand,
		byName: make(map[string]*Host),
		byIP:   make(map[string]*Host),
		links:  make(map[linkKey]*link),
	}, nil
}

// AddHost adds an up host with the given NICs. addrs are IPv4 literals (use
// 127.0.0.0/8: they are labels), at least one; the first is the primary NIC,
// the source of the host's dials. Duplicate names or addresses are errors.
func (n *Network) AddHost(name string, addrs ...string) (*Host, error) {
	if name == "" {
		return nil, errors.New("netmodel: add host: empty name")
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("netmodel: add host %s: no address", name)
	}
	canon := make([]string, 0, len(addrs))
	for _, a := range addrs {
		ip, err := canonicalIP(a)
		if err != nil {
			return nil, fmt.Errorf("netmodel: add host %s: %w", name, err)
		}
		if slices.Contains(canon, ip) {
			return nil, fmt.Errorf("netmodel: add host %s: address %s given twice", name, ip)
		}
		canon = append(canon, ip)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, dup := n.byName[name]; dup {
		return nil, fmt.Errorf("netmodel: add host %s: name already used", name)
	}
	for _, ip := range canon {
		if other, dup := n.byIP[ip]; dup {
			return nil, fmt.Errorf("netmodel: add host %s: address %s already belongs to %s", name, ip, other.name)
		}
	}
	h := newHost(n, name, canon)
	n.hosts = append(n.hosts, h)
	n.byName[name] = h
	for _, ip := range canon {
		n.byIP[ip] = h
	}
	return h, nil
}

// Host returns the host with the given name, or nil.
func (n *Network) Host(name string) *Host {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.byName[name]
}

// Hosts returns all hosts in creation order.
func (n *Network) Hosts() []*Host {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.hosts)
}

// SetLink overrides the configuration of the directed link fromAddr ->
// toAddr (NIC addresses). Packets already in flight keep their schedule.
// It panics on an invalid address or configuration: that is a harness bug,
// and scenario input is validated before it gets here.
func (n *Network) SetLink(fromAddr, toAddr string, lc LinkConfig) {
	from, err := canonicalIP(fromAddr)
	if err == nil {
		toAddr, err = canonicalIP(toAddr)
	}
	if err == nil {
		err = lc.Validate()
	}
	if err != nil {
		panic(fmt.Sprintf("netmodel: SetLink(%s, %s): %v", fromAddr, toAddr, err))
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.linkLocked(from, toAddr).cfg = lc
}

// linkLocked returns the directed link between two NICs, creating it with
// the default configuration on first use.
func (n *Network) linkLocked(from, to string) *link {
	k := linkKey{from, to}
	l := n.links[k]
	if l == nil {
		l = &link{cfg: n.cfg.Link}
		n.links[k] = l
	}
	return l
}

// delayLocked draws a one-way delay for the link from -> to.
func (n *Network) delayLocked(from, to string) time.Duration {
	return n.linkLocked(from, to).cfg.Latency.Sample(n.rnd)
}
