package netmodel

import (
	"fmt"
	"slices"
)

// NIC model. A host's NICs are its addresses (AddHost order, 0 is the
// primary). Traffic between hosts A and B leaves or enters A over one NIC
// of A: route_A(B) if SetRoute gave one, else the NIC owning the address
// the traffic uses at A's end (the bound address for sends, the dialing
// NIC for dials, the destination address at the receiver). The same holds
// at B's end. Traffic is stopped when the NIC at either end is down.
//
// A route only says which NIC's state the traffic depends on: addresses
// stay as they are (a node advertises one NIC and reaches some peers over
// another, the multi-homed setup that makes membership flap), and the link
// configuration is still looked up by the addresses in the traffic.

// NICDown takes NIC nic (an index into the host's addresses, 0 the
// primary) of the named host down while f is active. Packets routed over
// it at either end are dropped (PacketsDroppedNIC); stream segments and
// handshakes are held, and resume in order on Lift. The host need not
// exist yet; if it does, nic must be one of its NICs. It panics on an
// empty name or a bad index: scenario input is validated before this.
func (f *Fault) NICDown(host string, nic int) {
	if host == "" || nic < 0 {
		panic(fmt.Sprintf("netmodel: fault %q: NICDown(%q, %d)", f.name, host, nic))
	}
	if h := f.n.Host(host); h != nil && nic >= len(h.addrs) {
		panic(fmt.Sprintf("netmodel: fault %q: NICDown(%q, %d): host has %d NICs", f.name, host, nic, len(h.addrs)))
	}
	f.addHold(&holdEntry{kind: holdNIC, host: host, nic: nic}, fmt.Sprintf("nic-down %s/%d", host, nic))
}

// SetRoute makes traffic between h and the host named peer (both
// directions, at h's end) go over h's NIC nic; a negative nic removes the
// route, back to the NIC of the address used. It changes only which NIC
// going down cuts the traffic (see the NIC model above). It panics if nic
// is not one of h's NICs.
func (h *Host) SetRoute(peer string, nic int) {
	if nic >= len(h.addrs) {
		panic(fmt.Sprintf("netmodel: %s.SetRoute(%q, %d): host has %d NICs", h.name, peer, nic, len(h.addrs)))
	}
	n := h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if nic < 0 {
		delete(h.routes, peer)
		return
	}
	if h.routes == nil {
		h.routes = make(map[string]int)
	}
	h.routes[peer] = nic
}

// nicForLocked returns the index of the NIC h uses for traffic with peer
// (nil if no host owns the far address) on h's address ip: the route to
// peer if there is one, else the NIC owning ip (-1 if h has none).
func (h *Host) nicForLocked(peer *Host, ip string) int {
	if peer != nil {
		if i, ok := h.routes[peer.name]; ok {
			return i
		}
	}
	return slices.Index(h.addrs, ip)
}
