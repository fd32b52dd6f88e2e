package netmodel

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// Addr is a transport address inside the simulation. It implements net.Addr.
// IP is a canonical IPv4 literal (a label: no real packet is sent to it).
type Addr struct {
	IP   string
	Port int
	Net  string // "tcp" for streams, "udp" for packets
}

var _ net.Addr = (*Addr)(nil)

// Network returns the address's network name, "tcp" or "udp".
func (a *Addr) Network() string { return a.Net }

// String returns "ip:port".
func (a *Addr) String() string { return a.IP + ":" + strconv.Itoa(a.Port) }

// portKey names a bound port on one NIC.
type portKey struct {
	ip   string
	port int
}

// canonicalIP parses an IPv4 literal and returns its canonical text form.
// Only literals are accepted: a name would need DNS, which the simulation
// does not have.
func canonicalIP(s string) (string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an IP literal", s)
	}
	a = a.Unmap()
	if !a.Is4() {
		return "", fmt.Errorf("%q is not an IPv4 address", s)
	}
	return a.String(), nil
}

// parseAddress splits "ip:port" into a canonical IPv4 literal and a port in
// 1..65535.
func parseAddress(address string) (string, int, error) {
	host, ps, err := net.SplitHostPort(address)
	if err != nil {
		return "", 0, err
	}
	ip, err := canonicalIP(host)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(ps)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", ps)
	}
	return ip, port, nil
}
