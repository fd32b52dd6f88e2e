package netmodel

import (
	"io"
	"net"
)

// message is a Go value carried whole by a stream, with the size it stands for: what
// counts against the stream's buffer and in StreamBytes, as its encoding would.
type message struct {
	v    any
	size int
}

// WriteMsg sends v to the peer as one message that stands for size bytes of the
// stream: it is delayed, held by faults, lost with a crash and ordered like the bytes
// it replaces, and it blocks while the direction's buffer is full, as Write does. v is
// handed over as is: the sender must not touch it afterwards (copy what is shared).
// A stream carries either bytes or messages, never both (Read does not see messages).
//
// It is for adapters that skip an encoding the simulation does not need to exercise
// (the fast raft transport, raft_fast.go): the network's behaviour stays, the CPU of
// encoding and decoding goes.
func (c *Conn) WriteMsg(v any, size int) error {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	size = max(size, 1)
	for {
		switch {
		case c.closed:
			return c.opErr("write", net.ErrClosed)
		case c.err != nil:
			return c.opErr("write", c.err)
		case c.writeClosed:
			return c.opErr("write", errShutdown)
		case passed(c.wdl):
			return c.opErr("write", errTimeout)
		case c.out.dead:
			n.stats.StreamBytes += uint64(size)
			return nil
		}
		// A message larger than the whole buffer goes once the buffer is empty, so
		// that it cannot wait forever.
		if c.out.buffered > 0 && c.out.buffered+size > n.cfg.StreamBufferLimit {
			c.s.wait(c.wdl, nil)
			continue
		}
		c.out.buffered += size
		n.stats.StreamBytes += uint64(size)
		c.out.enqueueSeg(segment{kind: segMsg, msg: message{v: v, size: size}})
		return nil
	}
}

// ReadMsg returns the next message, blocking until one arrives, the peer's FIN
// (io.EOF), a reset, Close, or the read deadline, as Read does.
func (c *Conn) ReadMsg() (any, error) {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	for {
		switch {
		case c.closed:
			return nil, c.opErr("read", net.ErrClosed)
		case passed(c.rdl):
			return nil, c.opErr("read", errTimeout)
		case len(c.in.msgs) > 0:
			m := c.in.msgs[0]
			c.in.msgs[0] = message{}
			c.in.msgs = c.in.msgs[1:]
			c.in.buffered -= m.size
			c.s.broadcast() // the peer's writer may wait for buffer space
			return m.v, nil
		case c.err != nil:
			return nil, c.opErr("read", c.err)
		case c.in.eof || c.in.dead:
			return nil, io.EOF
		}
		c.s.wait(c.rdl, nil)
	}
}
