package netmodel

import (
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// UDPConn is a PacketConn seen through the standard library's interfaces: a
// net.PacketConn always and, once it has a remote (DialPacket), a net.Conn too, like
// *net.UDPConn. Libraries that speak UDP (a DNS server or client) use it unchanged.
//
// Deadlines follow the virtual clock. A deadline set while a read is already blocked
// applies to the next read, not to that one: the callers here (a DNS exchange, a server
// loop ended by Close) set deadlines before they read.
type UDPConn struct {
	pc     *PacketConn
	remote *Addr // nil: not connected (WriteTo only)

	mu            sync.Mutex
	readDeadline  time.Time
	writeDeadline time.Time
}

var (
	_ net.PacketConn = (*UDPConn)(nil)
	_ net.Conn       = (*UDPConn)(nil)
)

// NewUDPConn wraps pc; the UDPConn owns it from now on (Close closes it).
func NewUDPConn(pc *PacketConn) *UDPConn { return &UDPConn{pc: pc} }

// DialPacket binds an ephemeral packet port on h's primary NIC and connects it to
// address ("ip:port"): Write sends there, Read receives from anyone, as a connected
// UDP socket that nobody spoofs.
func (h *Host) DialPacket(address string) (*UDPConn, error) {
	ip, port, err := parseAddress(address)
	if err != nil {
		return nil, fmt.Errorf("netmodel: dial packet %s: %w", address, err)
	}
	pc, err := h.ListenPacket("", 0)
	if err != nil {
		return nil, err
	}
	return &UDPConn{pc: pc, remote: &Addr{IP: ip, Port: port, Net: "udp"}}, nil
}

// ReadFrom waits for the next datagram, until the read deadline.
func (c *UDPConn) ReadFrom(p []byte) (int, net.Addr, error) {
	c.mu.Lock()
	dl := c.readDeadline
	c.mu.Unlock()
	var expired <-chan time.Time
	if !dl.IsZero() {
		d := time.Until(dl)
		if d <= 0 {
			return 0, nil, opError("read", "udp", c.pc.LocalAddr(), nil, os.ErrDeadlineExceeded)
		}
		t := time.NewTimer(d)
		defer t.Stop()
		expired = t.C
	}
	select {
	case pk, ok := <-c.pc.Packets():
		if !ok {
			return 0, nil, opError("read", "udp", c.pc.LocalAddr(), nil, net.ErrClosed)
		}
		return copy(p, pk.Buf), pk.From, nil
	case <-expired:
		return 0, nil, opError("read", "udp", c.pc.LocalAddr(), nil, os.ErrDeadlineExceeded)
	}
}

// WriteTo sends p to addr. It never blocks (a lost packet is counted by the network,
// not reported), so the write deadline only refuses writes after it.
func (c *UDPConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	c.mu.Lock()
	dl := c.writeDeadline
	c.mu.Unlock()
	if !dl.IsZero() && !time.Now().Before(dl) {
		return 0, opError("write", "udp", c.pc.LocalAddr(), nil, os.ErrDeadlineExceeded)
	}
	if err := c.pc.WriteTo(p, addr.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read reads the next datagram (a connected UDPConn).
func (c *UDPConn) Read(p []byte) (int, error) {
	n, _, err := c.ReadFrom(p)
	return n, err
}

// Write sends p to the remote; an unconnected UDPConn refuses.
func (c *UDPConn) Write(p []byte) (int, error) {
	if c.remote == nil {
		return 0, opError("write", "udp", c.pc.LocalAddr(), nil, syscall.EDESTADDRREQ)
	}
	return c.WriteTo(p, c.remote)
}

// Close unbinds the port.
func (c *UDPConn) Close() error { return c.pc.Close() }

// LocalAddr is the bound address.
func (c *UDPConn) LocalAddr() net.Addr { return c.pc.LocalAddr() }

// RemoteAddr is the address DialPacket connected to, nil when not connected.
func (c *UDPConn) RemoteAddr() net.Addr {
	if c.remote == nil {
		return nil
	}
	return c.remote
}

// SetDeadline sets both deadlines.
func (c *UDPConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline, c.writeDeadline = t, t
	return nil
}

// SetReadDeadline sets the read deadline (the zero time: none).
func (c *UDPConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline = t
	return nil
}

// SetWriteDeadline sets the write deadline (the zero time: none).
func (c *UDPConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writeDeadline = t
	return nil
}
