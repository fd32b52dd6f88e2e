package netmodel

import (
	"fmt"
	"net"
	"slices"
)

// Listener accepts simulated streams on one NIC and port. It implements
// net.Listener.
type Listener struct {
	h    *Host
	addr *Addr
	// backlog holds accepted-but-not-yet-Accepted server ends. Sends happen
	// only with n.mu held, after a length check under the same lock, so
	// they never block; a full backlog refuses the dial instead.
	backlog chan net.Conn
	done    chan struct{} // closed by Close
	closed  bool          // guarded by n.mu
	// handed, if set, tracks every stream this listener hands out (puts in its backlog),
	// for an owner that aborts them at shutdown without seeing them accepted: the
	// MemberlistTransport, whose StreamCh is the backlog itself. Guarded by n.mu.
	handed *connSet
}

var _ net.Listener = (*Listener)(nil)

// Listen starts accepting streams on addr:port. addr must be one of the
// host's NICs ("" means the primary); port 0 picks an ephemeral port.
func (h *Host) Listen(addr string, port int) (*Listener, error) {
	ip, err := h.nic(addr)
	if err != nil {
		return nil, fmt.Errorf("netmodel: listen %s:%d: %w", addr, port, err)
	}
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("netmodel: listen %s:%d: bad port", addr, port)
	}
	n := h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if !h.up {
		return nil, opError("listen", "tcp", nil, &Addr{IP: ip, Port: port, Net: "tcp"}, ErrHostDown)
	}
	if port == 0 {
		if port, err = h.ephemeralPortLocked(ip, h.tcpInUse); err != nil {
			return nil, opError("listen", "tcp", nil, &Addr{IP: ip, Net: "tcp"}, err)
		}
	}
	a := &Addr{IP: ip, Port: port, Net: "tcp"}
	k := portKey{ip, port}
	if h.tcpInUse(k) {
		return nil, opError("listen", "tcp", nil, a, errInUse)
	}
	l := &Listener{
		h:       h,
		addr:    a,
		backlog: make(chan net.Conn, n.cfg.AcceptBacklog),
		done:    make(chan struct{}),
	}
	h.tcpPorts[k]++
	h.listeners = append(h.listeners, l)
	h.lnByKey[k] = l
	return l, nil
}

// Accept waits for the next stream, or for Close (then an error wrapping
// net.ErrClosed).
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.backlog:
		return c, nil
	case <-l.done:
		return nil, opError("accept", "tcp", l.addr, nil, net.ErrClosed)
	}
}

// Close stops the listener. Streams waiting in the backlog are reset (their
// dialers see a reset), later dials to the port are refused.
func (l *Listener) Close() error {
	n := l.h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if l.closed {
		return opError("close", "tcp", l.addr, nil, net.ErrClosed)
	}
	l.closeLocked(net.ErrClosed)
	return nil
}

// Addr returns the listening address.
func (l *Listener) Addr() net.Addr { return l.addr }

// closeLocked closes the listener; cause is what the pending server ends
// fail with (net.ErrClosed for Close, ErrHostDown for a crash).
func (l *Listener) closeLocked(cause error) {
	if l.closed {
		return
	}
	l.closed = true
	close(l.done)
	h := l.h
	k := portKey{l.addr.IP, l.addr.Port}
	delete(h.lnByKey, k)
	if h.tcpPorts[k]--; h.tcpPorts[k] <= 0 {
		delete(h.tcpPorts, k)
	}
	if i := slices.Index(h.listeners, l); i >= 0 {
		h.listeners = slices.Delete(h.listeners, i, i+1)
	}
	for {
		select {
		case c := <-l.backlog:
			c.(*Conn).failLocked(cause, cause == net.ErrClosed)
		default:
			return
		}
	}
}
