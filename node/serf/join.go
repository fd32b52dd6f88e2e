package serf

import (
	"fmt"
	"net"
	"strconv"
)

// Join contacts the given gossip addresses ("ip:port", IP literals only) and returns how
// many answered. Joining any one member is enough: gossip tells the rest. Unless
// Options.Replay is set, the node will not deliver user events fired before it joined.
func (s *Serf) Join(addrs ...string) (int, error) {
	if s.State() != StateAlive {
		return 0, fmt.Errorf("serf %s: join: %w", s.cfg.Name, ErrNotAlive)
	}
	if len(addrs) == 0 {
		return 0, fmt.Errorf("serf %s: join: no address given", s.cfg.Name)
	}
	for _, a := range addrs {
		if err := checkAddr(a); err != nil {
			return 0, fmt.Errorf("serf %s: join %s: %w", s.cfg.Name, a, err)
		}
	}
	if !s.opts.Replay {
		s.joinIgnore.Store(true)
		defer s.joinIgnore.Store(false)
	}
	n, err := s.ml.Join(addrs)
	if n > 0 {
		// Announce ourselves with a fresh member time: it overrides any older leave
		// intent about this name still circulating (a restarted node, say).
		s.broadcastJoinIntent(s.clock.Increment())
	}
	if err != nil {
		return n, fmt.Errorf("serf %s: join %v: %w", s.cfg.Name, addrs, err)
	}
	return n, nil
}

// checkAddr accepts only "ip:port" with an IP literal: memberlist would resolve a name
// through DNS.
func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("want ip:port: %w", err)
	}
	if net.ParseIP(host) == nil {
		return fmt.Errorf("%q is not an IP address (names would need DNS)", host)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("port %q: want 1 to 65535", port)
	}
	return nil
}
