package netmodel

import (
	"bytes"
	"io"
	"net"
	"time"
)

// stream is one TCP-like connection: two Conns and the two pipes between
// them, plus the wake channel their blocked callers wait on.
type stream struct {
	n              *Network
	client, server *Conn
	// wake is closed and replaced on every state change that a blocked
	// Read, Write or dial of this stream may be waiting for. A channel (not
	// a sync.Cond) so that waiters can also select on deadline timers and
	// contexts, and so that synctest sees them as durably blocked.
	wake    chan struct{}
	waiters int
}

// broadcast wakes every goroutine blocked on the stream. Called with n.mu
// held.
func (s *stream) broadcast() {
	if s.waiters == 0 {
		return
	}
	close(s.wake)
	s.wake = make(chan struct{})
}

// wait releases n.mu until the next broadcast, the deadline (if not zero)
// or cancel (if not nil), then re-acquires it. Callers re-check their
// condition in a loop.
func (s *stream) wait(deadline time.Time, cancel <-chan struct{}) {
	ch := s.wake
	s.waiters++
	s.n.mu.Unlock()
	var timer *time.Timer
	var expired <-chan time.Time
	if !deadline.IsZero() {
		timer = time.NewTimer(time.Until(deadline))
		expired = timer.C
	}
	select {
	case <-ch:
	case <-expired:
	case <-cancel:
	}
	if timer != nil {
		timer.Stop()
	}
	s.n.mu.Lock()
	s.waiters--
}

// passed reports whether a deadline is set and has passed on the (virtual)
// clock.
func passed(deadline time.Time) bool {
	return !deadline.IsZero() && !time.Now().Before(deadline)
}

// Conn is one end of a simulated stream. It implements net.Conn: reliable,
// ordered, with deadlines on the virtual clock. Safe for concurrent use.
type Conn struct {
	s             *stream
	host          *Host // owner; nil for the far end of a dial to an unknown IP
	local, remote *Addr
	in, out       *pipe

	// All below guarded by n.mu.
	established bool  // handshake done (always true once a server end exists in a backlog)
	closed      bool  // Close called, or aborted by its owner: I/O gives net.ErrClosed
	writeClosed bool  // FIN queued (Close or CloseWrite)
	err         error // sticky failure: reset by peer, refused, host down
	released    bool  // removed from host and tracker, port freed
	ownsPort    bool  // dialing ends hold an ephemeral port
	tracker     *connSet
	rdl, wdl    time.Time

	onPeerClose  func() // armed by AfterPeerClose (peer_close.go)
	peerCloseGen uint64
}

var _ net.Conn = (*Conn)(nil)

func (c *Conn) opErr(op string, err error) error {
	return opError(op, "tcp", c.local, c.remote, err)
}

// Read reads delivered bytes, blocking until some arrive, the peer's FIN
// (io.EOF), a reset, Close, or the read deadline.
func (c *Conn) Read(b []byte) (int, error) {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	for {
		switch {
		case c.closed:
			return 0, c.opErr("read", net.ErrClosed)
		case passed(c.rdl):
			return 0, c.opErr("read", errTimeout)
		case len(c.in.chunks) > 0:
			k := c.in.read(b)
			if k > 0 {
				c.s.broadcast() // the peer's writer may wait for buffer space
			}
			return k, nil
		case c.err != nil:
			return 0, c.opErr("read", c.err)
		case c.in.eof || c.in.dead:
			return 0, io.EOF
		case len(b) == 0:
			return 0, nil
		}
		c.s.wait(c.rdl, nil)
	}
}

// Write queues a copy of b for delivery. It blocks while the direction has
// StreamBufferLimit bytes in flight plus unread (a stalled stream fills up
// and then blocks its writer), and returns early with the bytes accepted so
// far if the write deadline passes or the stream fails. Bytes written after
// the peer has closed are accepted and discarded, as TCP does until the
// peer's RST would come back.
func (c *Conn) Write(b []byte) (int, error) {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	total := 0
	for {
		switch {
		case c.closed:
			return total, c.opErr("write", net.ErrClosed)
		case c.err != nil:
			return total, c.opErr("write", c.err)
		case c.writeClosed:
			return total, c.opErr("write", errShutdown)
		case passed(c.wdl):
			return total, c.opErr("write", errTimeout)
		case len(b) == 0:
			return total, nil
		case c.out.dead:
			n.stats.StreamBytes += uint64(len(b))
			return total + len(b), nil
		}
		space := n.cfg.StreamBufferLimit - c.out.buffered
		if space <= 0 {
			c.s.wait(c.wdl, nil)
			continue
		}
		k := min(len(b), space, maxSegment)
		c.out.buffered += k
		n.stats.StreamBytes += uint64(k)
		c.out.enqueue(segData, bytes.Clone(b[:k]))
		total += k
		b = b[k:]
	}
}

// Close closes this end: local I/O fails with net.ErrClosed at once, the
// peer reads the bytes already written and then io.EOF (the FIN travels
// like data), and anything the peer still sends is discarded.
func (c *Conn) Close() error {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	c.closed = true
	if c.err == nil {
		if !c.writeClosed {
			c.writeClosed = true
			c.out.enqueue(segFIN, nil)
		}
		c.in.kill()
		c.releaseLocked()
	}
	c.notifyPeerCloseLocked()
	c.s.broadcast()
	return nil
}

// CloseWrite half-closes the stream: the peer reads io.EOF after the bytes
// already written, while this end can still read.
func (c *Conn) CloseWrite() error {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case c.closed:
		return c.opErr("close", net.ErrClosed)
	case c.err != nil:
		return c.opErr("close", c.err)
	}
	if !c.writeClosed {
		c.writeClosed = true
		c.out.enqueue(segFIN, nil)
		c.s.broadcast()
	}
	return nil
}

// LocalAddr returns this end's address.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline sets both the read and the write deadline.
func (c *Conn) SetDeadline(t time.Time) error {
	return c.setDeadlines(t, true, true)
}

// SetReadDeadline sets the time after which Read fails with an error that
// is a net.Error with Timeout() == true. The zero time means none.
func (c *Conn) SetReadDeadline(t time.Time) error {
	return c.setDeadlines(t, true, false)
}

// SetWriteDeadline is SetReadDeadline for Write.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	return c.setDeadlines(t, false, true)
}

func (c *Conn) setDeadlines(t time.Time, read, write bool) error {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if read {
		c.rdl = t
	}
	if write {
		c.wdl = t
	}
	c.s.broadcast() // blocked callers re-arm their timers
	return nil
}

// failLocked breaks this end with cause: its own I/O fails at once, and if
// the far end exists (the server end was accepted) an RST goes to it after
// whatever is already in flight. abort marks the end closed too, so its own
// I/O reports net.ErrClosed (an owner tearing it down, e.g. RaftLayer.Close
// or a dial giving up) rather than cause.
func (c *Conn) failLocked(cause error, abort bool) {
	if abort {
		defer func() { c.closed = true }()
	}
	if c.closed || c.err != nil {
		return
	}
	s := c.s
	c.err = cause
	c.in.kill()
	if s.server.established {
		c.out.enqueue(segRST, nil)
	} else {
		c.out.kill()
	}
	if c.established {
		s.n.stats.StreamsReset++
	}
	c.releaseLocked()
	c.notifyPeerCloseLocked()
	s.broadcast()
}

// peerResetLocked applies an RST that arrived at this end.
func (c *Conn) peerResetLocked() {
	if c.closed || c.err != nil {
		return
	}
	if c.established {
		c.err = errReset
		c.s.n.stats.StreamsReset++
	} else {
		c.err = errRefused
	}
	c.in.kill()
	c.out.kill()
	c.releaseLocked()
	c.notifyPeerCloseLocked()
}

// releaseLocked forgets the end in its host and tracker and frees its port.
func (c *Conn) releaseLocked() {
	if c.released {
		return
	}
	c.released = true
	if h := c.host; h != nil {
		h.conns.remove(c)
		if c.ownsPort {
			k := portKey{c.local.IP, c.local.Port}
			if h.tcpPorts[k]--; h.tcpPorts[k] <= 0 {
				delete(h.tcpPorts, k)
			}
		}
	}
	if c.tracker != nil {
		c.tracker.remove(c)
		c.tracker = nil
	}
}

// trackLocked adds the end to set, so its owner can abort it later. An end
// that is already released is not added.
func (c *Conn) trackLocked(set *connSet) bool {
	if c.released {
		return false
	}
	c.tracker = set
	set.add(c)
	return true
}
