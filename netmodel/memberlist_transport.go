package netmodel

import (
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
type MemberlistTransport struct {
	h        *Host
	ln       *Listener
	ep       *endpoint
	packetCh chan *memberlist.Packet
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

// DialTimeout opens a stream to addr from the host's primary NIC.
func (t *MemberlistTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.h.DialTimeout(addr, timeout)
}

// DialAddressTimeout is DialTimeout on a.Addr.
func (t *MemberlistTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	return t.h.DialTimeout(a.Addr, timeout)
}

// StreamCh returns the channel of accepted streams (the listener's
// backlog).
func (t *MemberlistTransport) StreamCh() <-chan net.Conn { return t.ln.backlog }

// Shutdown closes the listener (resetting streams not yet taken from
// StreamCh) and the packet endpoint. Streams memberlist already took are
// its own to close; its handlers end on their deadlines. Idempotent.
func (t *MemberlistTransport) Shutdown() error {
	n := t.h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	t.ln.closeLocked(net.ErrClosed)
	t.ep.closeLocked()
	return nil
}
