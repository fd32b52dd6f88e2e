package node

import (
	"context"
	"math/rand/v2"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/consim/consim/node/catalog"
)

// The names the agent answers, as Consul's DNS interface (the datacenter label is
// optional and must be this cluster's, dc1):
//
//	NODE.node[.dc1].consul              A of the node
//	[TAG.]NAME.service[.dc1].consul     A (or SRV) of NAME's healthy instances
//	_NAME._TAG.service[.dc1].consul     the same, RFC 2782 style (_tcp means any tag)
//	HEX.addr[.dc1].consul               A of the IPv4 address HEX (8 hex digits), the
//	                                    SRV target of an instance with its own address
//
// Any other name in consul. is NXDOMAIN, and so is a service with no healthy instance;
// a name outside consul. is SERVFAIL (no recursors).

const dnsDomain = "consul"

// resolve builds the answer to req.
func (s *dnsServer) resolve(ctx context.Context, req *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	m.RecursionAvailable = false
	if req.Opcode != dns.OpcodeQuery || len(req.Question) != 1 {
		m.SetRcode(req, dns.RcodeNotImplemented)
		return m
	}
	q := req.Question[0]
	labels := dns.SplitDomainName(strings.ToLower(q.Name))
	if len(labels) == 0 || labels[len(labels)-1] != dnsDomain {
		m.SetRcode(req, dns.RcodeServerFailure)
		return m
	}
	labels = labels[:len(labels)-1]
	if n := len(labels); n >= 2 && labels[n-1] == datacenter {
		labels = labels[:n-1]
	}
	var rcode int
	switch n := len(labels); {
	case n == 2 && labels[1] == "node":
		rcode = s.nodeLookup(ctx, m, q, labels[0])
	case n == 2 && labels[1] == "addr":
		rcode = addrLookup(m, q, labels[0])
	case (n == 2 || n == 3) && labels[n-1] == "service":
		name, tag := labels[n-2], ""
		if n == 3 {
			tag = labels[0]
			if strings.HasPrefix(name, "_") && strings.HasPrefix(tag, "_") {
				name, tag = tag[1:], name[1:]
				if tag == "tcp" {
					tag = ""
				}
			}
		}
		rcode = s.serviceLookup(ctx, m, q, name, tag)
	default:
		rcode = dns.RcodeNameError
	}
	m.Rcode = rcode
	if rcode == dns.RcodeNameError || rcode == dns.RcodeSuccess && len(m.Answer) == 0 {
		m.Ns = append(m.Ns, soa())
	}
	return m
}

// readOptions are the read mode of a lookup: stale (bounded by max_stale) when allowed,
// else the leader's.
func (s *dnsServer) readOptions() QueryOptions {
	if s.cfg.AllowStale {
		return QueryOptions{Mode: ReadStale, MaxStale: s.cfg.MaxStale}
	}
	return QueryOptions{Mode: ReadDefault}
}

// nodeLookup answers NODE.node.consul.
func (s *dnsServer) nodeLookup(ctx context.Context, m *dns.Msg, q dns.Question, node string) int {
	reply, err := s.svc.read(ctx, ReadRequest{Op: ReadCatalogNode, Key: node, Options: s.readOptions()})
	switch {
	case err != nil:
		return dns.RcodeServerFailure
	case reply.Node == nil:
		return dns.RcodeNameError
	}
	if rr := aRecord(q.Name, reply.Node.Address, s.cfg.NodeTTL); rr != nil && wantsA(q.Qtype) {
		m.Answer = append(m.Answer, rr)
	}
	return dns.RcodeSuccess
}

// serviceLookup answers NAME.service.consul: A records, or SRV records with the nodes'
// A records in the additional section; healthy instances only, in a random order, at
// most UDPAnswerLimit of them.
func (s *dnsServer) serviceLookup(ctx context.Context, m *dns.Msg, q dns.Question, name, tag string) int {
	reply, err := s.svc.read(ctx, ReadRequest{Op: ReadHealthService, Key: name, Tag: tag, Options: s.readOptions()})
	if err != nil {
		return dns.RcodeServerFailure
	}
	live := reply.Instances[:0]
	for _, in := range reply.Instances {
		if s.bugs.DNSIgnoresHealth || s.healthy(in.Checks) {
			live = append(live, in)
		}
	}
	if len(live) == 0 {
		return dns.RcodeNameError
	}
	rand.Shuffle(len(live), func(i, j int) { live[i], live[j] = live[j], live[i] })
	live = live[:min(len(live), s.cfg.UDPAnswerLimit)]
	ttl := s.serviceTTL(name)
	for _, in := range live {
		addr := in.Service.Address
		if addr == "" {
			addr = in.Node.Address
		}
		switch {
		case q.Qtype == dns.TypeSRV:
			target := dns.Fqdn(in.Node.Node + ".node." + datacenter + "." + dnsDomain)
			if in.Service.Address != "" && in.Service.Address != in.Node.Address {
				// The instance is not at its node's address: the target names the
				// address itself, as Consul's does (HEX.addr.DC.consul), since the
				// node's name would resolve to the node.
				if name, ok := addrName(addr); ok {
					target = name
				}
			}
			m.Answer = append(m.Answer, &dns.SRV{
				Hdr:      dns.RR_Header{Name: q.Name, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: seconds(ttl)},
				Priority: 1, Weight: 1, Port: uint16(in.Service.Port), Target: target,
			})
			if rr := aRecord(target, addr, ttl); rr != nil {
				m.Extra = append(m.Extra, rr)
			}
		case wantsA(q.Qtype):
			if rr := aRecord(q.Name, addr, ttl); rr != nil {
				m.Answer = append(m.Answer, rr)
			}
		}
	}
	return dns.RcodeSuccess
}

// healthy says whether DNS sends clients to an instance with these checks: none
// critical, or with OnlyPassing all passing.
func (s *dnsServer) healthy(checks []catalog.Check) bool {
	for _, c := range checks {
		if c.Status == catalog.Critical || s.cfg.OnlyPassing && c.Status != catalog.Passing {
			return false
		}
	}
	return true
}

// serviceTTL is name's TTL: an exact entry, else the longest matching prefix*.
func (s *dnsServer) serviceTTL(name string) time.Duration {
	if ttl, ok := s.cfg.ServiceTTL[name]; ok {
		return ttl
	}
	best, ttl := -1, time.Duration(0)
	for k, v := range s.cfg.ServiceTTL {
		if p, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(name, p) && len(p) > best {
			best, ttl = len(p), v
		}
	}
	return ttl
}

// wantsA says whether a query of type t is answered with A records (Consul answers ANY
// with them too).
func wantsA(t uint16) bool { return t == dns.TypeA || t == dns.TypeANY }

// aRecord is an A record of addr, nil if addr is not IPv4.
func aRecord(name, addr string, ttl time.Duration) dns.RR {
	ip := net.ParseIP(addr).To4()
	if ip == nil {
		return nil
	}
	return &dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: seconds(ttl)}, A: ip}
}

// soa is the consul. zone's SOA, sent with negative answers (its minimum, 0 as Consul's
// soa.min_ttl default, is how long a resolver may cache the NXDOMAIN).
func soa() dns.RR {
	return &dns.SOA{
		Hdr: dns.RR_Header{Name: dnsDomain + ".", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 0},
		Ns:  "ns." + dnsDomain + ".", Mbox: "hostmaster." + dnsDomain + ".",
		Serial: uint32(time.Now().Unix()), Refresh: 3600, Retry: 600, Expire: 86400, Minttl: 0,
	}
}

func seconds(d time.Duration) uint32 { return uint32(d / time.Second) }
