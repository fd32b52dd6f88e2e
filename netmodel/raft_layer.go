package netmodel

import (
	"net"
	"time"

	"github.com/hashicorp/raft"
)

// RaftLayer is a raft.StreamLayer over the simulated network, for
// raft.NewNetworkTransportWithConfig: raft's own framing, connection
// pooling and deadlines run unchanged on top.
//
// raft's NetworkTransport.Close closes the listener but not the connections
// it accepted (their handlers block in Read without a deadline), so
// RaftLayer tracks every connection it accepted or dialed and Close aborts
// them all: each fails locally with net.ErrClosed and its peer is reset.
// That is what lets a raft cluster shut down with no goroutine left behind.
type RaftLayer struct {
	h      *Host
	ln     *Listener
	conns  connSet // guarded by n.mu
	closed bool    // guarded by n.mu
}

var _ raft.StreamLayer = (*RaftLayer)(nil)

// NewRaftLayer listens on addr:port of h ("" means the primary NIC; port 0
// picks an ephemeral port).
func NewRaftLayer(h *Host, addr string, port int) (*RaftLayer, error) {
	ln, err := h.Listen(addr, port)
	if err != nil {
		return nil, err
	}
	return &RaftLayer{h: h, ln: ln}, nil
}

// Accept waits for the next inbound stream and tracks it.
func (l *RaftLayer) Accept() (net.Conn, error) {
	c, err := l.ln.Accept()
	if err != nil {
		return nil, err
	}
	return l.track(c.(*Conn), "accept")
}

// Dial opens a stream to a raft server address ("ip:port") and tracks it.
func (l *RaftLayer) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	c, err := l.h.DialTimeout(string(address), timeout)
	if err != nil {
		return nil, err
	}
	return l.track(c.(*Conn), "dial")
}

func (l *RaftLayer) track(c *Conn, op string) (net.Conn, error) {
	n := l.h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if l.closed {
		c.failLocked(net.ErrClosed, true)
		return nil, opError(op, "tcp", l.ln.addr, nil, net.ErrClosed)
	}
	c.trackLocked(&l.conns)
	return c, nil
}

// Close closes the listener and aborts every tracked stream. Idempotent.
func (l *RaftLayer) Close() error {
	n := l.h.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	l.ln.closeLocked(net.ErrClosed)
	for _, c := range l.conns.snapshot() {
		c.failLocked(net.ErrClosed, true)
	}
	return nil
}

// Addr returns the listening address, which raft advertises.
func (l *RaftLayer) Addr() net.Addr { return l.ln.addr }
