package node

import (
	"encoding/hex"
	"net"

	"github.com/miekg/dns"
)

// An instance registered with an address other than its node's (a service an agent
// registers on behalf of another host) cannot be named by its node in an SRV answer:
// Consul names the address itself, HEX.addr.DC.consul, with the IPv4 address as 8 hex
// digits, and answers A queries for that name.

// addrName is the HEX.addr.dc1.consul. name of an IPv4 address.
func addrName(addr string) (string, bool) {
	ip := net.ParseIP(addr).To4()
	if ip == nil {
		return "", false
	}
	return dns.Fqdn(hex.EncodeToString(ip) + ".addr." + datacenter + "." + dnsDomain), true
}

// addrLookup answers HEX.addr.consul: the A record of the address HEX encodes; a label
// that is not 8 hex digits is NXDOMAIN.
func addrLookup(m *dns.Msg, q dns.Question, label string) int {
	b, err := hex.DecodeString(label)
	if err != nil || len(b) != net.IPv4len {
		return dns.RcodeNameError
	}
	if wantsA(q.Qtype) {
		m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 0}, A: net.IP(b)})
	}
	return dns.RcodeSuccess
}

// AddrOfName returns the IPv4 address a HEX.addr[.DC].consul name encodes, for clients
// that read SRV targets.
func AddrOfName(name string) (string, bool) {
	labels := dns.SplitDomainName(name)
	if len(labels) < 3 || labels[1] != "addr" {
		return "", false
	}
	b, err := hex.DecodeString(labels[0])
	if err != nil || len(b) != net.IPv4len {
		return "", false
	}
	return net.IP(b).String(), true
}
