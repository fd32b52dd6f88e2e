package netmodel

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/hashicorp/memberlist"
)

// MemberlistTransport carries one memberlist instance over the simulated
// network: a packet endpoint and a stream listener bound on the same
// addr:port, as memberlist's NetTransport binds UDP and TCP.
//
// It starts no goroutine: arriving packets are put straight into the
// PacketCh channel by the network's delivery timer (a full channel is a
// counted inbox drop), and StreamCh is the listener's accept backlog
// itself. Shutdown therefore has nothing to wait for.
//
// memberlist's Shutdown neither closes nor waits for the streams its
// handlers and push-pulls are using: they would end on their deadlines
// (TCPTimeout), after the process is gone, as if its sockets outlived it.
// So the transport tracks every stream it dialed or handed out, and
// Shutdown aborts them all, as a process exit closes its sockets: each
// fails locally with net.ErrClosed and its peer is reset. Without that, a
// handler blocked in Read outlives Shutdown, and a synctest bubble whose
// clock stops when its test returns fails with "blocked goroutines remain".
type MemberlistTransport struct {
	h        *Host
	ln       *Listener
	ep       *endpoint
	packetCh chan *memberlist.Packet
	conns    connSet // guarded by n.mu: streams dialed or handed out, still open
	closed   bool    // guarded by n.mu
	// dials is cancelled by Shutdown: a dial still waiting for its handshake
	// gives up then.
	dials    context.Context
	stopDial context.CancelFunc
}

var _ memberlist.NodeAwareTransport = (*MemberlistTransport)(nil)

// NewMemberlistTransport binds addr:port on h for packets and streams
// (addr "" means the primary NIC; port 0 picks an ephemeral port, the same
// for both).
func NewMemberlistTransport(h *Host, addr string, port int) (*MemberlistTransport, error) {
	ln, err := h.Listen(addr, port)
	if err != nil {
		return nil, err
	}
	t := &MemberlistTransport{
		h:        h,
		ln:       ln,
		packetCh: make(chan *memberlist.Packet, h.n.cfg.InboxLimit),
	}
	ep, err := h.bindPacket(ln.addr.IP, ln.addr.Port, t.deliver, nil)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	t.ep = ep
	t.dials, t.stopDial = context.WithCancel(context.Background())
	h.n.mu.Lock()
	ln.handed = &t.conns
	h.n.mu.Unlock()
	return t, nil
}

// deliver is the endpoint's sink; it runs with the network lock held and
// never blocks. memberlist's channel is never closed: memberlist does not
// expect it to be, and stops reading on its own shutdown.
func (t *MemberlistTransport) deliver(from *endpoint, buf []byte, at time.Time) bool {
	select {
	case t.packetCh <- &memberlist.Packet{Buf: buf, From: from.udp, Timestamp: at}:
		return true
	default:
		return false
	}
}

// LocalAddr returns the bound stream address (the packet side uses the
// same IP and port).
func (t *MemberlistTransport) LocalAddr() *Addr { return t.ln.addr }

// FinalAdvertiseAddr returns ip and port if ip is set (as NetTransport
// does), else the bound address.
func (t *MemberlistTransport) FinalAdvertiseAddr(ip string, port int) (net.IP, int, error) {
	if ip != "" {
		a := net.ParseIP(ip)
		if a == nil {
			return nil, 0, fmt.Errorf("netmodel: failed to parse advertise address %q", ip)
		}
		if a4 := a.To4(); a4 != nil {
			a = a4
		}
		return a, port, nil
	}
	return net.ParseIP(t.ln.addr.IP).To4(), t.ln.addr.Port, nil
}

// WriteTo sends a packet to addr ("ip:port") and returns the send time.
// Drops are counted by the network, not reported.
func (t *MemberlistTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	err := t.ep.send(b, addr)
	return time.Now(), err
}

// WriteToAddress is WriteTo on a.Addr; the node name is not needed.
func (t *MemberlistTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	return t.WriteTo(b, a.Addr)
}

// PacketCh returns the channel of arriving packets.
func (t *MemberlistTransport) PacketCh() <-chan *memberlist.Packet { return t.packetCh }

// DialTimeout opens a stream to addr from the host's primary NIC (timeout
// 0 means no limit) and tracks it until it is closed. Shutdown ends a dial
// still under way.
func (t *MemberlistTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	n := t.h.n
	n.mu.Lock()
	closed := t.closed
	n.mu.Unlock()
	if closed {
		return nil, opError("dial", "tcp", nil, nil, net.ErrClosed)
	}
	ctx := t.dials
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	c, err := t.h.DialContext(ctx, "tcp", addr)
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case t.closed:
		if err == nil {
			c.(*Conn).failLocked(net.ErrClosed, true)
		}
		return nil, opError("dial", "tcp", nil, nil, net.ErrClosed)
	case err != nil:
		return nil, err
	}
	c.(*Conn).trackLocked(&t.conns)
	return c, nil
}

// DialAddressTimeout is DialTimeout on a.Addr.
func (t *MemberlistTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	return t.DialTimeout(a.Addr, timeout)
}

// StreamCh returns the channel of accepted streams (the listener's
// backlog).
func (t *MemberlistTransport) StreamCh() <-chan net.Conn { return t.ln.backlog }

// Shutdown closes the listener (resetting streams not yet taken from
// StreamCh) and the packet endpoint, and aborts every stream memberlist
// still has open: its blocked reads and writes fail with net.ErrClosed at
// once, and the peers are reset. Idempotent.
func (t *MemberlistTransport) Shutdown() error {
	n := t.h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	t.closed = true
	t.stopDial() // dials under way wake and give up once the lock is free
	t.ln.closeLocked(net.ErrClosed)
	t.ep.closeLocked()
	for _, c := range t.conns.snapshot() {
		c.failLocked(net.ErrClosed, true)
	}
	return nil
}
