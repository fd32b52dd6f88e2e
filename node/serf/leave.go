package serf

import (
	"fmt"
	"time"
)

// Leave leaves the cluster gracefully, as Serf does: it gossips a leave intent stamped
// with the member clock (so every member records the node as leaving, then left, never
// failed), also sends it to every member directly (unlike Serf), waits for the gossip to
// go out, has memberlist broadcast its own leave, and waits LeavePropagateDelay for that
// to spread. Shutdown should follow. Leaving twice is a no-op.
func (s *Serf) Leave() error {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	switch s.State() {
	case StateLeaving, StateLeft:
		return nil
	case StateShutdown:
		return fmt.Errorf("serf %s: leave: %w", s.cfg.Name, ErrNotAlive)
	}
	s.state.Store(int32(StateLeaving))
	peers := s.NumAlive() > 1

	msg := &leaveIntent{LTime: s.clock.Increment(), Node: s.cfg.Name}
	s.handleLeaveIntent(msg)
	if peers {
		raw := msg.encode()
		notify := make(chan struct{})
		s.queue(s.intentQ, raw, notify)
		// Gossip alone may reach a member only after memberlist's own leave (a few
		// members get each copy), and that member would record a failure. Tell every
		// member directly as well: the intent then arrives one link latency from now,
		// long before memberlist's leave.
		for _, n := range s.ml.Members() {
			if n.Name != s.cfg.Name {
				if err := s.ml.SendBestEffort(n, raw); err != nil {
					s.logger.Printf("[WARN] serf: leave intent to %s: %v", n.Name, err)
				}
			}
		}
		if !s.wait(notify, s.opts.BroadcastTimeout) {
			s.logger.Printf("[WARN] serf: timeout waiting for the leave intent to go out")
		}
	}
	var err error
	if lerr := s.ml.Leave(s.opts.BroadcastTimeout); lerr != nil {
		err = fmt.Errorf("serf %s: leave: %w", s.cfg.Name, lerr)
		s.logger.Printf("[WARN] serf: %v", err)
	}
	if peers {
		time.Sleep(s.opts.LeavePropagateDelay)
	}
	s.state.Store(int32(StateLeft))
	return err
}

// ForceLeave forces a failed member out: every member records it as left instead of
// failed (so it is reaped after TombstoneTimeout rather than retried until
// ReconnectTimeout). With prune, every member forgets it at once. A member that is alive
// or leaving is refused: it would only refute the intent; a left member can be pruned.
func (s *Serf) ForceLeave(name string, prune bool) error {
	if s.State() != StateAlive {
		return fmt.Errorf("serf %s: force-leave %s: %w", s.cfg.Name, name, ErrNotAlive)
	}
	m, ok := s.Member(name)
	switch {
	case !ok:
		return fmt.Errorf("serf %s: force-leave %s: no such member", s.cfg.Name, name)
	case m.Status == StatusAlive || m.Status == StatusLeaving:
		return fmt.Errorf("serf %s: force-leave %s: member is %s; only a failed member can be forced out", s.cfg.Name, name, m.Status)
	case m.Status == StatusLeft && !prune:
		return fmt.Errorf("serf %s: force-leave %s: member has already left (prune to forget it)", s.cfg.Name, name)
	}
	msg := &leaveIntent{LTime: s.clock.Increment(), Node: name, Prune: prune}
	s.handleLeaveIntent(msg)
	if s.NumAlive() > 1 {
		notify := make(chan struct{})
		s.queue(s.intentQ, msg.encode(), notify)
		if !s.wait(notify, s.opts.BroadcastTimeout) {
			return fmt.Errorf("serf %s: force-leave %s: timeout waiting for the intent to go out", s.cfg.Name, name)
		}
	}
	return nil
}

// wait waits for ch to close, up to timeout or shutdown; it reports whether ch closed.
func (s *Serf) wait(ch <-chan struct{}, timeout time.Duration) bool {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
	case <-s.shutdownCh:
	}
	return false
}
