package serf

import (
	"slices"

	"github.com/hashicorp/memberlist"
)

// delegate is memberlist's view of the Serf layer: node meta (tags), the messages it
// gossips and receives, and its part of push-pull.
type delegate struct{ s *Serf }

var _ memberlist.Delegate = (*delegate)(nil)

func (d *delegate) NodeMeta(limit int) []byte {
	meta := d.s.localMeta()
	if len(meta) > limit {
		// encodeTags refuses tags over memberlist.MetaMaxSize, the only limit memberlist
		// passes: this is a bug, not bad input.
		panic("serf: node meta over memberlist's limit")
	}
	return meta
}

func (d *delegate) NotifyMsg(buf []byte) {
	s := d.s
	m, err := decodeMessage(buf)
	if err != nil {
		s.decodeErrors.Add(1)
		s.logger.Printf("[WARN] serf: %v", err)
		return
	}
	// buf is memberlist's and may be reused after we return: gossip on a copy.
	switch v := m.(type) {
	case *leaveIntent:
		if s.handleLeaveIntent(v) {
			s.queue(s.intentQ, slices.Clone(buf), nil)
		}
	case *joinIntent:
		if s.handleJoinIntent(v) {
			s.queue(s.intentQ, slices.Clone(buf), nil)
		}
	case *userEventMsg:
		if s.handleUserEvent(v, false) {
			s.queue(s.eventQ, slices.Clone(buf), nil)
		}
	case *queryMsg:
		if s.handleQuery(v) {
			s.queue(s.queryQ, slices.Clone(buf), nil)
		}
	case *queryResponseMsg:
		s.handleQueryResponse(v)
	case *relayMsg:
		s.handleRelay(v)
	default:
		s.logger.Printf("[WARN] serf: unexpected %T message outside push-pull", m)
	}
}

// GetBroadcasts fills a gossip packet: intents first, then user events, then queries.
// Within the packet, user events go in Lamport order (memberlist's queue hands out the
// biggest and newest first), so that one packet never delivers them reversed.
func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte {
	s := d.s
	msgs := s.intentQ.GetBroadcasts(overhead, limit)
	used := 0
	for _, m := range msgs {
		used += overhead + len(m)
	}
	events := s.eventQ.GetBroadcasts(overhead, limit-used)
	slices.SortStableFunc(events, func(a, b []byte) int {
		la, lb := peekLTime(a), peekLTime(b)
		switch {
		case la < lb:
			return -1
		case la > lb:
			return 1
		}
		return 0
	})
	for _, m := range events {
		used += overhead + len(m)
	}
	msgs = append(msgs, events...)
	return append(msgs, s.queryQ.GetBroadcasts(overhead, limit-used)...)
}

func (d *delegate) LocalState(join bool) []byte { return d.s.localState() }

func (d *delegate) MergeRemoteState(buf []byte, join bool) { d.s.mergeRemoteState(buf, join) }

// eventDelegate passes memberlist's membership notifications on, until Shutdown.
//
// memberlist v0.7.0 finishes after its Shutdown what was under way: a probe in flight
// times out into suspectNode, and a suspicion timer is never stopped (Shutdown,
// memberlist.go, closes the transport and the schedule only; suspectNode's timer, in
// state.go, calls deadNode, which calls NotifyLeave). So up to SuspicionMaxTimeoutMult
// suspicion timeouts after a node went down (24 s on LAN), its dead memberlist could
// declare a member failed. A shut-down node reports nothing: its process would be gone,
// and in the simulated world its name may by then be its next life's (a rejoin).
type eventDelegate struct{ s *Serf }

var _ memberlist.EventDelegate = (*eventDelegate)(nil)

func (e *eventDelegate) NotifyJoin(n *memberlist.Node) {
	if e.s.State() != StateShutdown {
		e.s.handleNodeJoin(n)
	}
}

func (e *eventDelegate) NotifyLeave(n *memberlist.Node) {
	if e.s.State() != StateShutdown {
		e.s.handleNodeLeave(n)
	}
}

func (e *eventDelegate) NotifyUpdate(n *memberlist.Node) {
	if e.s.State() != StateShutdown {
		e.s.handleNodeUpdate(n)
	}
}
