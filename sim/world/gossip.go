package world

import (
	"fmt"
	"slices"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node"
	"github.com/consim/consim/node/serf"
	"github.com/consim/consim/scenarios"
)

// configureGossip sets the gossip side of n's agent config from the scenario: profile,
// tags, Serf options, handlers, a seeded source for the Serf layer's own random choices
// (one per start of the node), and the observer that turns its records into events.
func (w *World) configureGossip(n *simNode, cfg *node.Config) {
	n.starts++
	g := w.spec.Scenario.Gossip
	cfg.Profile = g.Profile
	cfg.DisableGossipCompression = true // no bandwidth in the model: see node.Config
	cfg.DisableTCPPings = g.DisableTCPPings
	cfg.Tags = scenarios.DefaultTags(n.server)
	cfg.Gossip = serf.Options{
		EventSizeLimit:      g.EventSizeLimit,
		CoalescePeriod:      g.CoalescePeriod.D(),
		QuiescentPeriod:     g.QuiescentPeriod.D(),
		UserCoalescePeriod:  g.UserCoalescePeriod.D(),
		UserQuiescentPeriod: g.UserQuiescentPeriod.D(),
		ReapInterval:        g.ReapInterval.D(),
		ReconnectTimeout:    g.ReconnectTimeout.D(),
		TombstoneTimeout:    g.TombstoneTimeout.D(),
		Replay:              g.Replay,
	}
	cfg.Rand = subRand(w.spec.Seed, fmt.Sprintf("gossip/%s/%d", n.name, n.starts))
	cfg.GossipObserver = gossipObserver{n.voice}
	for _, h := range g.Handlers {
		if len(h.Nodes) > 0 && !slices.Contains(h.Nodes, n.name) {
			continue
		}
		name := h.Name
		if name == "" {
			name = h.Filter
		}
		if h.RegisterService != nil {
			cfg.Handlers = append(cfg.Handlers, serf.HandlerSpec{Name: name, Filter: h.Filter, Handler: w.newRegistrar(n, name, h.RegisterService)})
			continue
		}
		rh := &recordingHandler{}
		if h.Respond != "" {
			rh.respond = []byte(h.Respond)
		}
		cfg.Handlers = append(cfg.Handlers, serf.HandlerSpec{Name: name, Filter: h.Filter, Handler: rh})
	}
}

// recordingHandler stands in for a handler script: the Serf layer records each
// invocation (a handler event), and it answers the queries it gets if told to.
type recordingHandler struct{ respond []byte }

func (h *recordingHandler) HandleEvent(e serf.Event) {
	if q, ok := e.(*serf.Query); ok && h.respond != nil {
		// A refused answer (too late) is visible as a missing query_response.
		_ = q.Respond(h.respond)
	}
}

// gossipObserver turns the Serf layer's records into events. Member status changes are
// left to the node Observer (member events).
type gossipObserver struct{ e sink }

func (o gossipObserver) Observe(r serf.Record) {
	ev := event.Event{Node: r.Self}
	if r.Err != nil {
		ev.Reason = r.Err.Error()
	}
	switch r.Kind {
	case serf.RecordMemberUpdate:
		ev.Type, ev.Member, ev.Tags = event.MemberUpdate, r.Member.Name, r.Member.Tags
	case serf.RecordSuspect:
		ev.Type, ev.Member = event.MemberSuspect, r.Member.Name
	case serf.RecordReap:
		ev.Type, ev.Member = event.MemberReap, r.Member.Name
	case serf.RecordEventFired, serf.RecordEventDelivered:
		ev.Type = event.UserEventFired
		if r.Kind == serf.RecordEventDelivered {
			ev.Type, ev.Origin, ev.Gap, ev.Late = event.UserEvent, r.Event.Origin, r.Gap, r.Late
			if r.PushPull {
				ev.Via = event.ViaPushPull
			}
		} else {
			ev.Size, ev.Coalesce, ev.Filter = r.Size, r.Event.Coalesce, eventFilter(r.Event.Filter.Nodes, r.Event.Filter.Tags)
		}
		ev.Name, ev.LTime = r.Event.Name, uint64(r.Event.LTime)
	case serf.RecordQueryFired, serf.RecordQueryReceived, serf.RecordQueryAck, serf.RecordQueryResponse, serf.RecordQueryDone:
		q := r.Query
		ev.Name, ev.LTime, ev.QueryID = q.Name, uint64(q.LTime), q.ID
		switch r.Kind {
		case serf.RecordQueryFired:
			ev.Type, ev.Size = event.Query, q.Size
			if r.Err == nil {
				ev.Timeout = event.Duration(q.Timeout)
			}
		case serf.RecordQueryReceived:
			ev.Type, ev.Origin = event.QueryDelivered, q.Origin
		case serf.RecordQueryAck:
			ev.Type, ev.Member = event.QueryAck, r.From
		case serf.RecordQueryResponse:
			ev.Type, ev.Member, ev.Size = event.QueryResponse, r.From, r.Size
		case serf.RecordQueryDone:
			acks, resps := r.Acks, r.Responses
			ev.Type, ev.Acks, ev.Responses = event.QueryEnd, &acks, &resps
		}
	case serf.RecordHandler:
		ev.Type, ev.Handler, ev.EventName = event.Handler, r.Handler, r.HandlerEvent.String()
		switch he := r.HandlerEvent.(type) {
		case serf.MemberEvent:
			for _, m := range he.Members {
				ev.Members = append(ev.Members, m.Name)
			}
		case serf.UserEvent:
			ev.Origin, ev.LTime = he.Origin, uint64(he.LTime)
		case *serf.Query:
			ev.Origin, ev.LTime = he.Origin, uint64(he.LTime)
		}
	default:
		return // member status: the node Observer's member event
	}
	o.e.emit(ev)
}

func eventFilter(nodes []string, tags map[string]string) *event.Filter {
	if len(nodes) == 0 && len(tags) == 0 {
		return nil
	}
	return &event.Filter{Nodes: nodes, Tags: tags}
}
