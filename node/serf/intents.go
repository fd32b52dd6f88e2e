package serf

import "time"

// maxRecentIntents bounds the intents kept about members memberlist has not told of yet.
const maxRecentIntents = 4096

// nodeIntent is an intent about a member not known yet.
type nodeIntent struct {
	leave bool
	ltime LamportTime
	at    time.Time
}

// storeIntent keeps an intent about an unknown member, if it is newer than the one kept,
// and reports whether it did (then it is news, worth gossiping on). memberMu is held.
func (s *Serf) storeIntent(node string, leave bool, ltime LamportTime) bool {
	if old, ok := s.recentIntents[node]; ok && old.ltime >= ltime {
		return false
	}
	if _, ok := s.recentIntents[node]; !ok && len(s.recentIntents) >= maxRecentIntents {
		return false
	}
	s.recentIntents[node] = nodeIntent{leave: leave, ltime: ltime, at: time.Now()}
	return true
}

// handleJoinIntent applies a join intent and reports whether to gossip it on.
func (s *Serf) handleJoinIntent(msg *joinIntent) bool {
	s.clock.Witness(msg.LTime)
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	m, ok := s.members[msg.Node]
	if !ok {
		return s.storeIntent(msg.Node, false, msg.LTime)
	}
	if msg.LTime <= m.statusLTime {
		return false
	}
	m.statusLTime = msg.LTime
	if m.Status == StatusLeaving {
		// A leave intent about it was false (a force-leave of a live member), and it
		// refuted it.
		m.Status = StatusAlive
		s.recordStatus(m, StatusLeaving)
	}
	return true
}

// handleLeaveIntent applies a leave intent and reports whether to gossip it on.
func (s *Serf) handleLeaveIntent(msg *leaveIntent) bool {
	s.clock.Witness(msg.LTime)
	s.memberMu.Lock()
	m, ok := s.members[msg.Node]
	if !ok {
		defer s.memberMu.Unlock()
		return s.storeIntent(msg.Node, true, msg.LTime)
	}
	if msg.LTime <= m.statusLTime {
		s.memberMu.Unlock()
		return false
	}
	if msg.Node == s.cfg.Name && s.State() == StateAlive {
		// Someone says we are leaving; we are not. Refute with a later join intent.
		s.memberMu.Unlock()
		s.broadcastJoinIntent(s.clock.Time())
		return false
	}
	defer s.memberMu.Unlock()
	m.statusLTime = msg.LTime
	switch prev := m.Status; prev {
	case StatusAlive:
		// memberlist will confirm with its own leave; the member is left then.
		m.Status = StatusLeaving
		s.recordStatus(m, prev)
	case StatusFailed:
		// A failed member forced out (or whose leave arrived late): left, not failed.
		m.Status = StatusLeft
		s.failed = removeMember(s.failed, m)
		s.left = append(s.left, m)
		s.recordStatus(m, prev)
		s.disp.emit(MemberEvent{Type: EventMemberLeave, Members: []Member{m.Member.clone()}})
		if msg.Prune {
			s.eraseMember(m)
		}
	case StatusLeft:
		if msg.Prune {
			s.eraseMember(m)
		}
	}
	return true
}

// broadcastJoinIntent applies and gossips a join intent for the local node.
func (s *Serf) broadcastJoinIntent(ltime LamportTime) {
	msg := &joinIntent{LTime: ltime, Node: s.cfg.Name}
	if s.handleJoinIntent(msg) {
		s.queue(s.intentQ, msg.encode(), nil)
	}
}
