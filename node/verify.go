package node

import (
	"errors"
	"sync"
	"time"
)

// verifyDrainTimeout bounds how long shutdown waits for VerifyLeader calls in flight.
const verifyDrainTimeout = 2 * time.Second

// errShuttingDown answers a consistent read that arrives while the server shuts down.
var errShuttingDown = errors.New("server is shutting down")

// verifyGuard works around a raft v1.8.0 shutdown hang. A VerifyLeader in flight registers a
// future with the heartbeat goroutines; when a heartbeat answer completes its quorum, the
// heartbeat goroutine hands the future to raft's main loop over an unbuffered channel. If
// raft is shutting down, no loop reads that channel any more: the heartbeat goroutine
// blocks forever, and Shutdown, which waits for it, never returns. So the server lets no
// VerifyLeader start once shutdown begins and waits (boundedly) for those in flight, which
// end either way while raft still runs: quorum reached, or leadership lost when its lease
// runs out.
type verifyGuard struct {
	mu       sync.Mutex
	closing  bool
	inFlight int
	idle     chan struct{} // closed when inFlight drops to 0 while closing
}

// begin registers a VerifyLeader call; false once shutdown has begun.
func (g *verifyGuard) begin() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closing {
		return false
	}
	g.inFlight++
	return true
}

// end unregisters a call that begin admitted.
func (g *verifyGuard) end() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight--
	if g.inFlight == 0 && g.idle != nil {
		close(g.idle)
		g.idle = nil
	}
}

// drain stops admitting calls and waits up to timeout for those in flight.
func (g *verifyGuard) drain(timeout time.Duration) {
	g.mu.Lock()
	g.closing = true
	if g.inFlight == 0 {
		g.mu.Unlock()
		return
	}
	if g.idle == nil {
		g.idle = make(chan struct{})
	}
	idle := g.idle
	g.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	}
}

// verifyLeader is raft's VerifyLeader under the guard.
func (s *server) verifyLeader() error {
	if !s.verify.begin() {
		return errShuttingDown
	}
	defer s.verify.end()
	return s.raft.VerifyLeader().Error()
}
