package serf

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// membership is Serf's member table. memberMu guards every field but numMembers.
type membership struct {
	memberMu      sync.Mutex
	members       map[string]*memberState
	failed, left  []*memberState // reap candidates, by time of failure or leave
	recentIntents map[string]nodeIntent
	// numMembers mirrors len(members) for the broadcast queues, which ask from inside
	// memberlist and must not take memberMu.
	numMembers atomic.Int64
}

func (s *Serf) initMembership() {
	s.members = map[string]*memberState{}
	s.recentIntents = map[string]nodeIntent{}
}

// handleNodeJoin is memberlist telling that n is alive: new, or back after failing or
// leaving.
func (s *Serf) handleNodeJoin(n *memberlist.Node) {
	tags := s.nodeTags(n)
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	m, ok := s.members[n.Name]
	prev := StatusNone
	if !ok {
		m = &memberState{Member: Member{Name: n.Name}}
		s.members[n.Name] = m
		s.numMembers.Store(int64(len(s.members)))
	} else {
		prev = m.Status
		s.failed = removeMember(s.failed, m)
		s.left = removeMember(s.left, m)
	}
	m.Addr, m.Port, m.Tags = n.Addr.String(), n.Port, tags
	m.Status, m.leaveTime = StatusAlive, time.Time{}
	// An intent that arrived before memberlist told of the member applies now.
	if in, ok := s.recentIntents[n.Name]; ok {
		delete(s.recentIntents, n.Name)
		if in.ltime > m.statusLTime {
			m.statusLTime = in.ltime
			if in.leave {
				m.Status = StatusLeaving
			}
		}
	}
	s.recordStatus(m, prev)
	s.disp.emit(MemberEvent{Type: EventMemberJoin, Members: []Member{m.Member.clone()}})
}

// handleNodeLeave is memberlist telling that n is gone. memberlist v0.7.0 does not say
// whether it left or failed (it never sets Node.State for this call), so the leave
// intent decides: a member that announced its leave is left, any other failed.
func (s *Serf) handleNodeLeave(n *memberlist.Node) {
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	m, ok := s.members[n.Name]
	if !ok {
		return
	}
	prev := m.Status
	var typ EventType
	switch prev {
	case StatusLeaving:
		m.Status, typ = StatusLeft, EventMemberLeave
		s.left = append(s.left, m)
	case StatusAlive:
		m.Status, typ = StatusFailed, EventMemberFailed
		s.failed = append(s.failed, m)
	default:
		return // already failed or left
	}
	m.leaveTime = time.Now()
	s.recordStatus(m, prev)
	s.disp.emit(MemberEvent{Type: typ, Members: []Member{m.Member.clone()}})
}

// handleNodeUpdate is memberlist telling that n's meta (tags) changed.
func (s *Serf) handleNodeUpdate(n *memberlist.Node) {
	tags := s.nodeTags(n)
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	m, ok := s.members[n.Name]
	if !ok {
		return
	}
	m.Addr, m.Port, m.Tags = n.Addr.String(), n.Port, tags
	s.obs.Observe(Record{Kind: RecordMemberUpdate, Self: s.cfg.Name, Member: m.Member.clone()})
	s.disp.emit(MemberEvent{Type: EventMemberUpdate, Members: []Member{m.Member.clone()}})
}

func (s *Serf) nodeTags(n *memberlist.Node) map[string]string {
	tags, err := decodeTags(n.Meta)
	if err != nil {
		s.logger.Printf("[WARN] serf: member %s: %v", n.Name, err)
		return map[string]string{}
	}
	return tags
}

// recordStatus reports a status change of m. memberMu is held.
func (s *Serf) recordStatus(m *memberState, prev MemberStatus) {
	if m.Status == prev {
		return
	}
	s.obs.Observe(Record{Kind: RecordMember, Self: s.cfg.Name, Member: m.Member.clone(), Previous: prev})
}

// eraseMember forgets m (reap or prune). memberMu is held.
func (s *Serf) eraseMember(m *memberState) {
	delete(s.members, m.Name)
	s.numMembers.Store(int64(len(s.members)))
	s.failed = removeMember(s.failed, m)
	s.left = removeMember(s.left, m)
	s.obs.Observe(Record{Kind: RecordReap, Self: s.cfg.Name, Member: m.Member.clone()})
	s.disp.emit(MemberEvent{Type: EventMemberReap, Members: []Member{m.Member.clone()}})
}

// removeMember removes m from list, keeping the order.
func removeMember(list []*memberState, m *memberState) []*memberState {
	for i, x := range list {
		if x == m {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}
