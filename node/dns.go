package node

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// DNSConfig is the agent's DNS interface, in the shape of Consul's dns_config: names in
// the consul. domain answered from the catalog (dns_answer.go).
type DNSConfig struct {
	// Conn is the agent's UDP socket (Consul's port 8600); nil turns DNS off. The agent
	// owns it once started, and closes it on shutdown.
	Conn net.PacketConn
	// AllowStale lets any server answer from its own state (Consul's default since 0.7);
	// false sends every lookup to the leader.
	AllowStale bool
	// MaxStale, with AllowStale, sends a lookup to the leader after all when the server
	// that answered has not heard from it for longer (0: no limit; Consul's default is
	// 87600h, which is none).
	MaxStale time.Duration
	// NodeTTL is the TTL of node lookups' records; ServiceTTL those of services', by
	// name: an exact name wins over a prefix ending in "*", a longer prefix over a
	// shorter one, "*" is every service's. Consul's defaults are 0: no caching.
	NodeTTL    time.Duration
	ServiceTTL map[string]time.Duration
	// OnlyPassing leaves out instances with a warning check too; false (Consul's
	// default) leaves out only those with a critical one.
	OnlyPassing bool
	// UDPAnswerLimit bounds the records of an answer (Consul's udp_answer_limit); 0
	// means Consul's default, 3.
	UDPAnswerLimit int
}

const (
	// dnsMaxInFlight bounds the lookups one agent answers at once; a query beyond it is
	// dropped, as a busy server's socket buffer would drop it, and the client retries.
	dnsMaxInFlight = 64
	// dnsLookupTimeout bounds one lookup's read of the catalog: past it the answer is
	// SERVFAIL (a client has given up long before).
	dnsLookupTimeout = 10 * time.Second
	// defaultUDPAnswerLimit is Consul's udp_answer_limit.
	defaultUDPAnswerLimit = 3
	// maxDNSPacket is the largest datagram read; queries are far smaller.
	maxDNSPacket = 4096
)

// dnsServer answers DNS queries on one socket. One goroutine reads; each query is
// answered on a goroutine of its own (a lookup may wait seconds for a server), at most
// dnsMaxInFlight at once.
type dnsServer struct {
	cfg   DNSConfig
	svc   kvService
	bugs  Bugs
	slots chan struct{}
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
}

// startDNS serves the agent's DNS socket, if it has one.
func (a *Agent) startDNS() *dnsServer {
	c := a.cfg.DNS
	if c.Conn == nil || a.api == nil {
		return nil
	}
	if c.UDPAnswerLimit <= 0 {
		c.UDPAnswerLimit = defaultUDPAnswerLimit
	}
	s := &dnsServer{cfg: c, svc: a.api.kv, bugs: a.cfg.UnsafeBugs, slots: make(chan struct{}, dnsMaxInFlight)}
	s.ctx, s.stop = context.WithCancel(context.Background())
	s.wg.Add(1)
	go s.serve()
	return s
}

// serve reads queries until the socket closes.
func (s *dnsServer) serve() {
	defer s.wg.Done()
	buf := make([]byte, maxDNSPacket)
	for {
		n, from, err := s.cfg.Conn.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.ctx.Err() != nil {
				return
			}
			continue
		}
		req := new(dns.Msg)
		if req.Unpack(buf[:n]) != nil || req.Response {
			continue // not a query: nothing to answer
		}
		select {
		case s.slots <- struct{}{}:
		default:
			continue
		}
		s.wg.Add(1)
		go func() {
			defer func() { <-s.slots; s.wg.Done() }()
			s.reply(req, from)
		}()
	}
}

// reply answers req to from, within the size the client can take.
func (s *dnsServer) reply(req *dns.Msg, from net.Addr) {
	ctx, cancel := context.WithTimeout(s.ctx, dnsLookupTimeout)
	defer cancel()
	resp := s.resolve(ctx, req)
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		resp.SetEdns0(uint16(min(size, maxDNSPacket)), false)
	}
	resp.Truncate(min(size, maxDNSPacket))
	b, err := resp.Pack()
	if err != nil {
		return
	}
	s.cfg.Conn.WriteTo(b, from)
}

// close stops reading and waits for the lookups in flight.
func (s *dnsServer) close() error {
	if s == nil {
		return nil
	}
	s.stop()
	err := s.cfg.Conn.Close()
	s.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
