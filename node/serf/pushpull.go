package serf

import "slices"

// localState is the Serf layer's part of a push-pull: the member clock and every known
// member's intent time (left members marked), the recent user events and the event and
// query clocks.
func (s *Serf) localState() []byte {
	pp := &pushPullMsg{LTime: s.clock.Time()}
	s.memberMu.Lock()
	names := make([]string, 0, len(s.members))
	for name := range s.members {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		m := s.members[name]
		pp.StatusLTimes = append(pp.StatusLTimes, nodeLTime{Node: name, LTime: m.statusLTime})
		if m.Status == StatusLeft {
			pp.Left = append(pp.Left, name)
		}
	}
	s.memberMu.Unlock()
	pp.EventLTime = s.eventClock.Time()
	pp.Events = s.recentEvents()
	pp.QueryLTime = s.queryClock.Time()
	return pp.encode()
}

// mergeRemoteState applies a peer's push-pull state: clocks, intents (so a leave that
// was missed is caught up), and the user events it remembers (anti-entropy: an event
// lost in gossip arrives here). On a join without Replay, the peer's clocks become the
// minimum event and query times: nothing the cluster had seen before is delivered.
func (s *Serf) mergeRemoteState(buf []byte, join bool) {
	m, err := decodeMessage(buf)
	if err != nil {
		s.decodeErrors.Add(1)
		s.logger.Printf("[WARN] serf: push-pull: %v", err)
		return
	}
	pp, ok := m.(*pushPullMsg)
	if !ok {
		s.decodeErrors.Add(1)
		s.logger.Printf("[WARN] serf: push-pull carried a %T", m)
		return
	}
	// No message with the peer's current times has been sent yet: witness one less.
	if pp.LTime > 0 {
		s.clock.Witness(pp.LTime - 1)
	}
	if pp.EventLTime > 0 {
		s.eventClock.Witness(pp.EventLTime - 1)
	}
	if pp.QueryLTime > 0 {
		s.queryClock.Witness(pp.QueryLTime - 1)
	}
	slices.Sort(pp.Left)
	for _, st := range pp.StatusLTimes {
		if _, left := slices.BinarySearch(pp.Left, st.Node); left {
			s.handleLeaveIntent(&leaveIntent{LTime: st.LTime, Node: st.Node})
		} else {
			s.handleJoinIntent(&joinIntent{LTime: st.LTime, Node: st.Node})
		}
	}
	if join && s.joinIgnore.Load() {
		// Every event the peer had seen or fired has a time below its clock; later ones
		// are at or above it. (Serf adds one, which drops the peer's next event.)
		s.eventMu.Lock()
		s.eventMinTime = max(s.eventMinTime, pp.EventLTime)
		s.eventMu.Unlock()
		s.queryMu.Lock()
		s.queryMinTime = max(s.queryMinTime, pp.QueryLTime)
		s.queryMu.Unlock()
	}
	for i := range pp.Events {
		s.handleUserEvent(&pp.Events[i], true)
	}
}
