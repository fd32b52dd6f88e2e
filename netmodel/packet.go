package netmodel

import (
	"fmt"
	"net"
	"slices"
	"time"
)

// Packet is one datagram received by a PacketConn.
type Packet struct {
	Buf  []byte    // owned by the receiver
	From *Addr     // the sender's bound address; shared, do not modify
	At   time.Time // arrival time on the virtual clock
}

// endpoint is a bound packet port. Its sink decides what "deliver" means
// (a PacketConn's channel, or memberlist's), so adapters need no forwarding
// goroutine.
type endpoint struct {
	h    *Host
	addr *Addr
	udp  *net.UDPAddr // addr as memberlist wants it; shared, read-only
	// sink is called with n.mu held and must not block: it does a
	// non-blocking send and reports whether the packet fitted.
	sink func(from *endpoint, buf []byte, at time.Time) bool
	// onClose runs with n.mu held when the endpoint closes.
	onClose func()
	closed  bool
}

// bindPacket binds a packet endpoint on addr:port of h (port 0 picks an
// ephemeral port).
func (h *Host) bindPacket(addr string, port int, sink func(*endpoint, []byte, time.Time) bool, onClose func()) (*endpoint, error) {
	ip, err := h.nic(addr)
	if err != nil {
		return nil, fmt.Errorf("netmodel: listen packet %s:%d: %w", addr, port, err)
	}
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("netmodel: listen packet %s:%d: bad port", addr, port)
	}
	n := h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if !h.up {
		return nil, opError("listen", "udp", nil, &Addr{IP: ip, Port: port, Net: "udp"}, ErrHostDown)
	}
	if port == 0 {
		if port, err = h.ephemeralPortLocked(ip, h.udpInUse); err != nil {
			return nil, opError("listen", "udp", nil, &Addr{IP: ip, Net: "udp"}, err)
		}
	}
	a := &Addr{IP: ip, Port: port, Net: "udp"}
	k := portKey{ip, port}
	if h.epByKey[k] != nil {
		return nil, opError("listen", "udp", nil, a, errInUse)
	}
	ep := &endpoint{
		h:       h,
		addr:    a,
		udp:     &net.UDPAddr{IP: net.ParseIP(ip).To4(), Port: port},
		sink:    sink,
		onClose: onClose,
	}
	h.endpoints = append(h.endpoints, ep)
	h.epByKey[k] = ep
	return ep, nil
}

// closeLocked unbinds the endpoint. Packets still in flight to it are
// dropped on arrival as PacketsDroppedNoListener (or Down, after a crash).
func (ep *endpoint) closeLocked() {
	if ep.closed {
		return
	}
	ep.closed = true
	h := ep.h
	delete(h.epByKey, portKey{ep.addr.IP, ep.addr.Port})
	if i := slices.Index(h.endpoints, ep); i >= 0 {
		h.endpoints = slices.Delete(h.endpoints, i, i+1)
	}
	if ep.onClose != nil {
		ep.onClose()
	}
}

// inflightPacket is a packet between WriteTo and its arrival.
type inflightPacket struct {
	n     *Network
	link  *link
	from  *endpoint
	dst   *Host
	epoch uint64 // dst's epoch at send time: a crash in between drops it
	to    portKey
	buf   []byte
}

// send implements WriteTo for every kind of endpoint: checks in the order
// host up, faults that stop traffic (blocks, pauses, NICs down), then
// forwardLocked. Drops are counted, not returned: packets are best-effort.
// The only errors are a closed endpoint and a malformed address.
func (ep *endpoint) send(b []byte, address string) error {
	ip, port, err := parseAddress(address)
	if err != nil {
		return fmt.Errorf("netmodel: write to %s: %w", address, err)
	}
	n := ep.h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if ep.closed {
		return opError("write", "udp", ep.addr, &Addr{IP: ip, Port: port, Net: "udp"}, net.ErrClosed)
	}
	n.stats.PacketsSent++
	dst := n.byIP[ip]
	switch {
	case dst == nil:
		n.stats.PacketsDroppedNoRoute++
		return nil
	case !dst.up:
		n.stats.PacketsDroppedDown++
		return nil
	}
	to := portKey{ip, port}
	// Fast path: with no fault installed there is nothing to match.
	if len(n.holds) > 0 {
		if e := n.holderLocked(flow{ep.h, dst, ep.addr.IP, ip}, Packets); e != nil {
			n.stopPacketLocked(e, heldPacket{from: ep, dst: dst, epoch: dst.epoch, to: to, buf: b}, true)
			return nil
		}
	}
	n.forwardLocked(ep, dst, dst.epoch, to, b, true)
	return nil
}

// forwardLocked puts a packet that no fault stops on the wire: link loss,
// impairments' loss, queue limit, then its arrival is scheduled after a
// latency sample (with an impairment: its latency, an extra sample to
// reorder, a second copy to duplicate). buf is copied first if clone is
// set (it is the caller's). The order of random draws is fixed, and with no
// matching impairment it is exactly the link's: loss (if lossy), delay.
func (n *Network) forwardLocked(from *endpoint, dst *Host, epoch uint64, to portKey, buf []byte, clone bool) {
	l := n.linkLocked(from.addr.IP, to.ip)
	// Draw for loss only when the link is lossy, so a lossless link does
	// not consume randomness.
	if l.cfg.Loss > 0 && n.rnd.Float64() < l.cfg.Loss {
		n.stats.PacketsDroppedLoss++
		return
	}
	impaired := len(n.imps) > 0
	if impaired {
		if f := n.impairDrawLocked(from.h, dst, impLoss); f != nil {
			f.effect.PacketsDropped++
			n.stats.PacketsDroppedImpaired++
			return
		}
	}
	if l.inflight >= l.cfg.queueLimit() {
		n.stats.PacketsDroppedQueue++
		return
	}
	if clone {
		buf = slices.Clone(buf)
	}
	pk := &inflightPacket{n: n, link: l, from: from, dst: dst, epoch: epoch, to: to, buf: buf}
	if !impaired {
		l.inflight++
		time.AfterFunc(l.cfg.Latency.Sample(n.rnd), pk.arrive)
		return
	}
	n.forwardImpairedLocked(pk)
}

// forwardImpairedLocked schedules pk (and maybe a copy) when impairments
// are installed; they may or may not match it.
func (n *Network) forwardImpairedLocked(pk *inflightPacket) {
	src, dst, l := pk.from.h, pk.dst, pk.link
	lat := &l.cfg.Latency
	var slow *Fault // whose latency applies, if any
	if e := n.impairedLatencyLocked(src, dst); e != nil {
		lat, slow = e.imp.Latency, e.f
	}
	d := n.packetDelayLocked(lat, slow)
	if f := n.impairDrawLocked(src, dst, impReorder); f != nil {
		f.effect.PacketsReordered++
		n.stats.PacketsReordered++
		d += lat.Sample(n.rnd)
	}
	l.inflight++
	time.AfterFunc(d, pk.arrive)
	f := n.impairDrawLocked(src, dst, impDuplicate)
	if f == nil {
		return
	}
	f.effect.PacketsDuplicated++
	n.stats.PacketsDuplicated++
	if l.inflight >= l.cfg.queueLimit() {
		n.stats.PacketsDroppedQueue++
		return
	}
	cp := *pk
	cp.buf = slices.Clone(pk.buf) // each receiver owns its buffer
	l.inflight++
	time.AfterFunc(n.packetDelayLocked(lat, slow), cp.arrive)
}

// packetDelayLocked samples lat for one packet copy, counting it against
// slow, the fault whose latency lat is (nil for the link's own).
func (n *Network) packetDelayLocked(lat *Latency, slow *Fault) time.Duration {
	if slow != nil {
		slow.effect.PacketsDelayed++
		n.stats.PacketsDelayed++
	}
	return lat.Sample(n.rnd)
}

// arrive runs on the timer: the destination must still be the same
// incarnation and have an endpoint on the port, then a non-blocking send.
func (pk *inflightPacket) arrive() {
	n := pk.n
	n.mu.Lock()
	defer n.mu.Unlock()
	pk.link.inflight--
	if !pk.dst.up || pk.dst.epoch != pk.epoch {
		n.stats.PacketsDroppedDown++
		return
	}
	ep := pk.dst.epByKey[pk.to]
	if ep == nil {
		n.stats.PacketsDroppedNoListener++
		return
	}
	if !ep.sink(pk.from, pk.buf, time.Now()) {
		n.stats.PacketsDroppedInbox++
		return
	}
	n.stats.PacketsDelivered++
}

// PacketConn is a bound packet (UDP-like) endpoint. Received packets come
// out of the Packets channel; the channel is closed when the PacketConn is
// closed (by Close or by a crash of its host).
type PacketConn struct {
	ep *endpoint
	ch chan Packet
}

// ListenPacket binds a packet endpoint on addr:port. addr must be one of
// the host's NICs ("" means the primary); port 0 picks an ephemeral port.
func (h *Host) ListenPacket(addr string, port int) (*PacketConn, error) {
	c := &PacketConn{ch: make(chan Packet, h.n.cfg.InboxLimit)}
	ep, err := h.bindPacket(addr, port, c.deliver, func() { close(c.ch) })
	if err != nil {
		return nil, err
	}
	c.ep = ep
	return c, nil
}

func (c *PacketConn) deliver(from *endpoint, buf []byte, at time.Time) bool {
	select {
	case c.ch <- Packet{Buf: buf, From: from.addr, At: at}:
		return true
	default:
		return false
	}
}

// WriteTo sends a copy of b to addr ("ip:port"). It never blocks; a packet
// that is lost, blocked or overflows a queue is counted, not reported.
func (c *PacketConn) WriteTo(b []byte, addr string) error { return c.ep.send(b, addr) }

// Packets returns the receive channel (capacity Config.InboxLimit).
func (c *PacketConn) Packets() <-chan Packet { return c.ch }

// LocalAddr returns the bound address.
func (c *PacketConn) LocalAddr() *Addr { return c.ep.addr }

// Close unbinds the endpoint and closes the Packets channel. Packets
// already queued in the channel can still be read.
func (c *PacketConn) Close() error {
	n := c.ep.h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if c.ep.closed {
		return opError("close", "udp", c.ep.addr, nil, net.ErrClosed)
	}
	c.ep.closeLocked()
	return nil
}
