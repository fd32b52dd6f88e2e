package netmodel

import (
	"fmt"
	"slices"
)

// Ephemeral ports, for dials and port-0 binds, are taken from this range,
// round-robin per host.
const (
	ephemeralFirst = 40000
	ephemeralLast  = 65535
)

// Host is a simulated machine with one or more NICs. Its methods are safe
// for concurrent use.
type Host struct {
	n     *Network
	name  string
	addrs []string // canonical; addrs[0] is the primary NIC

	// All below guarded by n.mu.
	up        bool
	epoch     uint64 // incremented by Crash; packets in flight carry it
	listeners []*Listener
	lnByKey   map[portKey]*Listener
	endpoints []*endpoint
	epByKey   map[portKey]*endpoint
	conns     connSet         // open stream ends owned by this host
	tcpPorts  map[portKey]int // local TCP ports in use (listeners + dialed conns)
	nextPort  int             // next ephemeral port to try
	routes    map[string]int  // peer host name -> NIC index (SetRoute); lookups only
}

func newHost(n *Network, name string, addrs []string) *Host {
	return &Host{
		n:        n,
		name:     name,
		addrs:    addrs,
		up:       true,
		lnByKey:  make(map[portKey]*Listener),
		epByKey:  make(map[portKey]*endpoint),
		tcpPorts: make(map[portKey]int),
		nextPort: ephemeralFirst,
	}
}

// Name returns the host's name.
func (h *Host) Name() string { return h.name }

// Addrs returns the host's NIC addresses, primary first.
func (h *Host) Addrs() []string { return slices.Clone(h.addrs) }

// String returns the host's name.
func (h *Host) String() string { return h.name }

// Up reports whether the host is running (not crashed).
func (h *Host) Up() bool {
	h.n.mu.Lock()
	defer h.n.mu.Unlock()
	return h.up
}

// Crash takes the host down and returns how many of its stream ends were
// reset (open streams only, counted at this end; the peers' ends are reset
// later, when the RST arrives), so that a crash fault can report
// StreamsReset. Every stream it has is reset: its own side
// fails at once with ErrHostDown, the peer's side fails with "connection
// reset by peer" when the RST arrives (one latency sample later; like any
// stream segment, an RST is held while a fault holds its direction).
// Every listener and packet endpoint is closed, packets in flight to the
// host are dropped on arrival (PacketsDroppedDown), and dials to it time
// out. Crashing a down host does nothing and returns 0.
func (h *Host) Crash() int {
	n := h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if !h.up {
		return 0
	}
	before := n.stats.StreamsReset
	h.up = false
	h.epoch++
	// Snapshots: closing removes entries from these slices.
	for _, l := range slices.Clone(h.listeners) {
		l.closeLocked(ErrHostDown)
	}
	for _, ep := range slices.Clone(h.endpoints) {
		ep.closeLocked()
	}
	for _, c := range h.conns.snapshot() {
		c.failLocked(ErrHostDown, false)
	}
	// Only local ends are reset synchronously (failLocked counts an
	// established end as it fails it), so the delta is this side's count.
	return int(n.stats.StreamsReset - before)
}

// Restart brings a crashed host up again with no listeners, endpoints or
// streams: the node on it re-creates what it needs. Restarting an up host
// does nothing.
func (h *Host) Restart() {
	h.n.mu.Lock()
	defer h.n.mu.Unlock()
	h.up = true
}

// nic resolves a bind address to one of the host's NICs; "" means the
// primary NIC.
func (h *Host) nic(addr string) (string, error) {
	if addr == "" {
		return h.addrs[0], nil
	}
	ip, err := canonicalIP(addr)
	if err != nil {
		return "", err
	}
	if !slices.Contains(h.addrs, ip) {
		return "", fmt.Errorf("%s is not a NIC of host %s", ip, h.name)
	}
	return ip, nil
}

// ephemeralPortLocked returns a free port on ip from the ephemeral range,
// where inUse says which are taken. The search is bounded by the range size.
func (h *Host) ephemeralPortLocked(ip string, inUse func(portKey) bool) (int, error) {
	for range ephemeralLast - ephemeralFirst + 1 {
		p := h.nextPort
		h.nextPort++
		if h.nextPort > ephemeralLast {
			h.nextPort = ephemeralFirst
		}
		if !inUse(portKey{ip, p}) {
			return p, nil
		}
	}
	return 0, errNoPorts
}

func (h *Host) tcpInUse(k portKey) bool { return h.tcpPorts[k] > 0 }
func (h *Host) udpInUse(k portKey) bool { return h.epByKey[k] != nil }
