package netmodel

// AfterPeerClose arranges for f to run, in a goroutine of its own, once this end can
// no longer hear from its peer: the peer's FIN or RST has arrived, or this end failed
// or was closed. If that has already happened f runs at once. stop cancels the call and
// reports whether it did (false: f has run or is about to). One call is armed per Conn
// at a time; arming another replaces it.
//
// It is what a kernel's socket readiness gives an event loop, without a goroutine
// blocked in Read: an HTTP server uses it to cancel a request's context when its
// client goes away, and a client's connection pool to drop an idle connection the
// server closed. Both would otherwise need a reader goroutine per connection, as
// net/http has.
func (c *Conn) AfterPeerClose(f func()) (stop func() bool) {
	n := c.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if c.peerGoneLocked() {
		go f()
		return func() bool { return false }
	}
	c.onPeerClose = f
	c.peerCloseGen++
	gen := c.peerCloseGen
	return func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		if c.onPeerClose == nil || c.peerCloseGen != gen {
			return false
		}
		c.onPeerClose = nil
		return true
	}
}

// peerGoneLocked says whether nothing more can be read from the peer.
func (c *Conn) peerGoneLocked() bool {
	return c.closed || c.err != nil || c.in.eof || c.in.dead
}

// notifyPeerCloseLocked runs the armed AfterPeerClose callback if the peer is gone.
// Called wherever that can become true: a FIN or RST delivered, Close, a failure.
func (c *Conn) notifyPeerCloseLocked() {
	if f := c.onPeerClose; f != nil && c.peerGoneLocked() {
		c.onPeerClose = nil
		go f()
	}
}
