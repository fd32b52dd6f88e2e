package serf

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// Query is a query as a selected member's handlers see it. A handler answers with
// Respond, once, before the deadline.
type Query struct {
	LTime   LamportTime
	Name    string
	Payload []byte
	Origin  string

	s        *Serf
	id       uint32
	addr     string
	relay    uint8
	deadline time.Time

	mu        sync.Mutex
	responded bool
}

// EventType returns EventQuery.
func (q *Query) EventType() EventType { return EventQuery }

// String returns "query:NAME".
func (q *Query) String() string { return "query:" + q.Name }

// Deadline is when the origin stops collecting answers.
func (q *Query) Deadline() time.Time { return q.deadline }

// Respond sends this node's answer to the origin (and through RelayFactor other
// members). It fails after the deadline, for a second answer, or for a payload over
// Options.QueryResponseSizeLimit.
func (q *Query) Respond(payload []byte) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case time.Now().After(q.deadline):
		return fmt.Errorf("serf %s: query %s: answered after its deadline", q.s.cfg.Name, q.Name)
	case q.responded:
		return fmt.Errorf("serf %s: query %s: already answered", q.s.cfg.Name, q.Name)
	case len(payload) > q.s.opts.QueryResponseSizeLimit:
		return fmt.Errorf("serf %s: query %s: answer of %d bytes, over the limit of %d (QueryResponseSizeLimit)",
			q.s.cfg.Name, q.Name, len(payload), q.s.opts.QueryResponseSizeLimit)
	}
	q.responded = true
	q.s.sendQueryResponse(q.Origin, q.addr, q.relay, &queryResponseMsg{LTime: q.LTime, ID: q.id, From: q.s.cfg.Name, Payload: payload})
	return nil
}

// handleQuery takes in a query and reports whether it was new (worth gossiping on).
func (s *Serf) handleQuery(msg *queryMsg) bool {
	s.queryClock.Witness(msg.LTime)
	s.queryMu.Lock()
	if msg.LTime < s.queryMinTime {
		s.queryMu.Unlock()
		return false
	}
	cur, n := s.queryClock.Time(), LamportTime(len(s.queryBuf))
	if cur > n && msg.LTime < cur-n {
		s.queryMu.Unlock()
		return false
	}
	slot := s.queryBuf[msg.LTime%n]
	if slot == nil || slot.ltime != msg.LTime {
		slot = &querySlot{ltime: msg.LTime}
		s.queryBuf[msg.LTime%n] = slot
	} else if slices.Contains(slot.ids, msg.ID) {
		s.queryMu.Unlock()
		return false
	}
	slot.ids = append(slot.ids, msg.ID)
	s.queryMu.Unlock()

	matcher, err := msg.Filter.Compile()
	if err != nil {
		s.logger.Printf("[WARN] serf: query %s from %s: %v", msg.Name, msg.Origin, err)
		return true
	}
	if !matcher.Match(s.cfg.Name, s.Tags()) {
		return true
	}
	if msg.Ack {
		s.sendQueryResponse(msg.Origin, msg.Addr, msg.Relay, &queryResponseMsg{LTime: msg.LTime, ID: msg.ID, From: s.cfg.Name, Ack: true})
	}
	info := &QueryInfo{Name: msg.Name, LTime: msg.LTime, ID: msg.ID, Origin: msg.Origin, Timeout: msg.Timeout, Size: len(msg.Name) + len(msg.Payload)}
	s.obs.Observe(Record{Kind: RecordQueryReceived, Self: s.cfg.Name, Query: info})
	s.disp.emit(&Query{
		LTime: msg.LTime, Name: msg.Name, Payload: msg.Payload, Origin: msg.Origin,
		s: s, id: msg.ID, addr: msg.Addr, relay: msg.Relay, deadline: time.Now().Add(msg.Timeout),
	})
	return true
}

// sendQueryResponse sends an ack or answer straight to the origin, and through relay
// other members. Best effort, as in Serf: a lost answer is just missing.
func (s *Serf) sendQueryResponse(origin, addr string, relay uint8, m *queryResponseMsg) {
	if origin == s.cfg.Name {
		s.handleQueryResponse(m)
		return
	}
	raw := m.encode()
	if err := s.ml.SendToAddress(memberlist.Address{Addr: addr, Name: origin}, raw); err != nil {
		s.logger.Printf("[WARN] serf: query %d answer to %s: %v", m.ID, origin, err)
	}
	if relay == 0 {
		return
	}
	var via []Member
	for _, mem := range s.Members() {
		if mem.Status == StatusAlive && mem.Name != s.cfg.Name && mem.Name != origin {
			via = append(via, mem)
		}
	}
	wrapped := (&relayMsg{DestAddr: addr, DestName: origin, Msg: raw}).encode()
	for i, j := range s.rand.Perm(len(via)) {
		if i >= int(relay) {
			break
		}
		r := via[j]
		if err := s.ml.SendToAddress(memberlist.Address{Addr: r.Address(), Name: r.Name}, wrapped); err != nil {
			s.logger.Printf("[WARN] serf: query %d relay through %s: %v", m.ID, r.Name, err)
		}
	}
}

// handleQueryResponse passes an ack or answer to the running query it belongs to.
func (s *Serf) handleQueryResponse(m *queryResponseMsg) {
	s.queryMu.Lock()
	r := s.running[m.LTime]
	s.queryMu.Unlock()
	if r == nil || r.info.ID != m.ID {
		return // a late answer, or not ours
	}
	r.add(m)
}

// handleRelay forwards a relayed answer to its destination.
func (s *Serf) handleRelay(m *relayMsg) {
	if err := s.ml.SendToAddress(memberlist.Address{Addr: m.DestAddr, Name: m.DestName}, m.Msg); err != nil {
		s.logger.Printf("[WARN] serf: relay to %s: %v", m.DestName, err)
	}
}
