package serf

import (
	"net"
	"strconv"
	"time"
)

// reapLoop periodically forgets members that failed more than ReconnectTimeout ago or
// left more than TombstoneTimeout ago, and intents about unknown members older than
// RecentIntentTimeout.
func (s *Serf) reapLoop() {
	t := time.NewTicker(s.opts.ReapInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.reap()
		case <-s.shutdownCh:
			return
		}
	}
}

func (s *Serf) reap() {
	now := time.Now()
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	// Snapshots: eraseMember edits the lists.
	for _, m := range append([]*memberState(nil), s.failed...) {
		if now.Sub(m.leaveTime) > s.opts.ReconnectTimeout {
			s.eraseMember(m)
		}
	}
	for _, m := range append([]*memberState(nil), s.left...) {
		if now.Sub(m.leaveTime) > s.opts.TombstoneTimeout {
			s.eraseMember(m)
		}
	}
	for name, in := range s.recentIntents {
		if now.Sub(in.at) > s.opts.RecentIntentTimeout {
			delete(s.recentIntents, name)
		}
	}
}

// reconnectLoop periodically tries to reach a failed member again, so that a partition
// heals into one cluster. As in Serf, each node tries with probability failed/alive per
// interval, so the cluster as a whole tries each failed member about once per interval.
func (s *Serf) reconnectLoop() {
	for {
		select {
		case <-time.After(s.opts.ReconnectInterval):
			s.reconnect()
		case <-s.shutdownCh:
			return
		}
	}
}

func (s *Serf) reconnect() {
	s.memberMu.Lock()
	n := len(s.failed)
	if n == 0 {
		s.memberMu.Unlock()
		return
	}
	alive := len(s.members) - len(s.failed) - len(s.left)
	if alive < 1 {
		alive = 1
	}
	if s.rand.Float64() > float64(n)/float64(alive) {
		s.memberMu.Unlock()
		return
	}
	m := s.failed[s.rand.Intn(n)]
	addr := net.JoinHostPort(m.Addr, strconv.Itoa(int(m.Port)))
	name := m.Name
	s.memberMu.Unlock()
	s.logger.Printf("[INFO] serf: attempting reconnect to %s %s", name, addr)
	if _, err := s.ml.Join([]string{addr}); err != nil {
		s.logger.Printf("[DEBUG] serf: reconnect to %s failed: %v", name, err)
	}
}
