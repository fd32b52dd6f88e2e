package netmodel

import (
	"context"
	"fmt"
	"net"
	"time"
)

// DialTimeout opens a stream to address ("ip:port", IP literals only) from
// the host's primary NIC and an ephemeral port. The handshake takes a round
// trip: the SYN and the SYN-ACK each take a latency sample and are held by
// faults (blocks, pauses, NICs down) like any stream segment. A missing
// listener gives "connection refused" after the round trip; a down or
// unknown destination never answers, so the dial waits for its timeout (0
// means wait forever).
func (h *Host) DialTimeout(address string, timeout time.Duration) (net.Conn, error) {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	return h.dial(nil, address, deadline)
}

// DialContext is DialTimeout with a context (its deadline and
// cancellation); network must be "tcp" or "tcp4". Its signature fits
// http.Transport.DialContext.
func (h *Host) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4":
	default:
		return nil, fmt.Errorf("netmodel: dial %s %s: unsupported network", network, address)
	}
	deadline, _ := ctx.Deadline()
	return h.dial(ctx, address, deadline)
}

func (h *Host) dial(ctx context.Context, address string, deadline time.Time) (net.Conn, error) {
	ip, port, err := parseAddress(address)
	if err != nil {
		return nil, fmt.Errorf("netmodel: dial %s: %w", address, err)
	}
	remote := &Addr{IP: ip, Port: port, Net: "tcp"}
	n := h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if !h.up {
		return nil, opError("dial", "tcp", nil, remote, ErrHostDown)
	}
	src := h.addrs[0]
	lport, err := h.ephemeralPortLocked(src, h.tcpInUse)
	if err != nil {
		return nil, opError("dial", "tcp", nil, remote, err)
	}
	c := newStreamLocked(n, h, &Addr{IP: src, Port: lport, Net: "tcp"}, n.byIP[ip], remote)
	h.tcpPorts[portKey{src, lport}]++
	h.conns.add(c)
	c.out.enqueue(segSYN, nil)

	var cancel <-chan struct{}
	if ctx != nil {
		cancel = ctx.Done()
	}
	for {
		switch {
		case c.established:
			return c, nil
		case c.err != nil:
			return nil, opError("dial", "tcp", c.local, remote, c.err)
		case passed(deadline) || (ctx != nil && ctx.Err() != nil):
			// Give up like a kernel would: forget the SYN if it has not
			// arrived, else reset the half-open server end.
			c.failLocked(net.ErrClosed, true)
			n.stats.DialsTimedOut++
			cause := error(errTimeout)
			if ctx != nil && ctx.Err() != nil && !passed(deadline) {
				cause = ctx.Err()
			}
			return nil, opError("dial", "tcp", c.local, remote, cause)
		}
		c.s.wait(deadline, cancel)
	}
}

// newStreamLocked creates both ends and pipes of a stream dialed from
// local (on h) to remote (owned by dst, which may be nil), and returns the
// dialing end.
func newStreamLocked(n *Network, h *Host, local *Addr, dst *Host, remote *Addr) *Conn {
	s := &stream{n: n, wake: make(chan struct{})}
	c := &Conn{s: s, host: h, local: local, remote: remote, ownsPort: true}
	sv := &Conn{s: s, host: dst, local: remote, remote: local}
	c2s := &pipe{s: s, from: c, to: sv}
	s2c := &pipe{s: s, from: sv, to: c}
	c.out, c.in = c2s, s2c
	sv.out, sv.in = s2c, c2s
	s.client, s.server = c, sv
	return c
}

// synArrivedLocked handles the SYN reaching the destination NIC: lost if
// the host is down or unknown (the dialer times out), refused (RST back) if
// nothing listens or the backlog is full, else the server end goes into the
// backlog and a SYN-ACK goes back.
func (s *stream) synArrivedLocked() {
	n := s.n
	c, sv := s.client, s.server
	h := n.byIP[sv.local.IP]
	if h == nil || !h.up {
		c.out.kill()
		c.in.kill()
		return
	}
	sv.host = h
	l := h.lnByKey[portKey{sv.local.IP, sv.local.Port}]
	if l == nil || len(l.backlog) >= cap(l.backlog) {
		n.stats.DialsRefused++
		sv.out.enqueue(segRST, nil)
		return
	}
	sv.established = true
	h.conns.add(sv)
	if l.handed != nil {
		sv.trackLocked(l.handed)
	}
	n.stats.StreamsOpened++
	select {
	case l.backlog <- sv:
	default:
		panic("netmodel: accept backlog full after check (send outside the network lock?)")
	}
	sv.out.enqueue(segSYNACK, nil)
}
