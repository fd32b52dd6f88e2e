package serf

import (
	"fmt"
	"time"

	"github.com/consim/consim/node/serf/filter"
)

// messageType is the first byte of every message the Serf layer gossips or sends.
type messageType uint8

const (
	msgLeaveIntent messageType = iota + 1
	msgJoinIntent
	msgUserEvent
	msgQuery
	msgQueryResponse
	msgRelay
	msgPushPull
)

func (t messageType) String() string {
	switch t {
	case msgLeaveIntent:
		return "leave-intent"
	case msgJoinIntent:
		return "join-intent"
	case msgUserEvent:
		return "user-event"
	case msgQuery:
		return "query"
	case msgQueryResponse:
		return "query-response"
	case msgRelay:
		return "relay"
	case msgPushPull:
		return "push-pull"
	}
	return fmt.Sprintf("unknown(%d)", uint8(t))
}

// leaveIntent says that Node is leaving (or, sent by another member, that it was forced
// out) as of member-clock time LTime. Prune asks every member to forget Node at once.
type leaveIntent struct {
	LTime LamportTime
	Node  string
	Prune bool
}

// joinIntent says that Node is alive as of member-clock time LTime; it overrides older
// leave intents (a member refutes a false leave intent with one).
type joinIntent struct {
	LTime LamportTime
	Node  string
}

// userEventMsg is a user event as gossiped. Prev is the LTime of Origin's previous user
// event (0 if none since it started): receivers use it to deliver one origin's events in
// Lamport order.
type userEventMsg struct {
	LTime    LamportTime
	Prev     LamportTime
	Origin   string
	Name     string
	Payload  []byte
	Coalesce bool
	Filter   filter.Filter
}

// queryMsg is a query as gossiped. Responses go straight to Addr (the origin's gossip
// address), relayed through up to Relay other members as well.
type queryMsg struct {
	LTime   LamportTime
	ID      uint32
	Origin  string
	Addr    string
	Filter  filter.Filter
	Ack     bool
	Relay   uint8
	Timeout time.Duration
	Name    string
	Payload []byte
}

// queryResponseMsg is an acknowledgement (Ack) or a response to the query (LTime, ID).
type queryResponseMsg struct {
	LTime   LamportTime
	ID      uint32
	From    string
	Ack     bool
	Payload []byte
}

// relayMsg asks the receiver to forward Msg to DestAddr.
type relayMsg struct {
	DestAddr string
	DestName string
	Msg      []byte
}

// pushPullMsg is the Serf layer's part of memberlist's periodic full state exchange
// (anti-entropy): member intents, the recent user events and the clocks.
type pushPullMsg struct {
	LTime        LamportTime
	StatusLTimes []nodeLTime // by name
	Left         []string    // by name
	EventLTime   LamportTime
	Events       []userEventMsg // by LTime, origin, name
	QueryLTime   LamportTime
}

type nodeLTime struct {
	Node  string
	LTime LamportTime
}

func (m *leaveIntent) encode() []byte {
	e := &encoder{}
	e.u8(byte(msgLeaveIntent))
	e.ltime(m.LTime)
	e.str(m.Node)
	e.boolean(m.Prune)
	return e.b
}

func (m *leaveIntent) decode(d *decoder) {
	m.LTime, m.Node, m.Prune = d.ltime(), d.str(), d.boolean()
}

func (m *joinIntent) encode() []byte {
	e := &encoder{}
	e.u8(byte(msgJoinIntent))
	e.ltime(m.LTime)
	e.str(m.Node)
	return e.b
}

func (m *joinIntent) decode(d *decoder) { m.LTime, m.Node = d.ltime(), d.str() }

func encodeFilter(e *encoder, f filter.Filter) {
	e.strs(f.Nodes)
	e.strMap(f.Tags)
}

func decodeFilter(d *decoder) filter.Filter {
	return filter.Filter{Nodes: d.strs(), Tags: d.strMap()}
}

func (m *userEventMsg) encodeFields(e *encoder) {
	e.ltime(m.LTime)
	e.ltime(m.Prev)
	e.str(m.Origin)
	e.str(m.Name)
	e.bytes(m.Payload)
	e.boolean(m.Coalesce)
	encodeFilter(e, m.Filter)
}

func (m *userEventMsg) encode() []byte {
	e := &encoder{}
	e.u8(byte(msgUserEvent))
	m.encodeFields(e)
	return e.b
}

func (m *userEventMsg) decode(d *decoder) {
	m.LTime, m.Prev, m.Origin, m.Name = d.ltime(), d.ltime(), d.str(), d.str()
	m.Payload, m.Coalesce, m.Filter = d.bytes(), d.boolean(), decodeFilter(d)
}

func (m *queryMsg) encode() []byte {
	e := &encoder{}
	e.u8(byte(msgQuery))
	e.ltime(m.LTime)
	e.uvarint(uint64(m.ID))
	e.str(m.Origin)
	e.str(m.Addr)
	encodeFilter(e, m.Filter)
	e.boolean(m.Ack)
	e.u8(m.Relay)
	e.uvarint(uint64(m.Timeout))
	e.str(m.Name)
	e.bytes(m.Payload)
	return e.b
}

func (m *queryMsg) decode(d *decoder) {
	m.LTime, m.ID, m.Origin, m.Addr = d.ltime(), uint32(d.uvarint()), d.str(), d.str()
	m.Filter, m.Ack, m.Relay = decodeFilter(d), d.boolean(), d.u8()
	m.Timeout = time.Duration(d.uvarint())
	m.Name, m.Payload = d.str(), d.bytes()
}

func (m *queryResponseMsg) encode() []byte {
	e := &encoder{}
	e.u8(byte(msgQueryResponse))
	e.ltime(m.LTime)
	e.uvarint(uint64(m.ID))
	e.str(m.From)
	e.boolean(m.Ack)
	e.bytes(m.Payload)
	return e.b
}

func (m *queryResponseMsg) decode(d *decoder) {
	m.LTime, m.ID, m.From = d.ltime(), uint32(d.uvarint()), d.str()
	m.Ack, m.Payload = d.boolean(), d.bytes()
}

func (m *relayMsg) encode() []byte {
	e := &encoder{}
	e.u8(byte(msgRelay))
	e.str(m.DestAddr)
	e.str(m.DestName)
	e.bytes(m.Msg)
	return e.b
}

func (m *relayMsg) decode(d *decoder) { m.DestAddr, m.DestName, m.Msg = d.str(), d.str(), d.bytes() }

func (m *pushPullMsg) encode() []byte {
	e := &encoder{}
	e.u8(byte(msgPushPull))
	e.ltime(m.LTime)
	e.uvarint(uint64(len(m.StatusLTimes)))
	for _, s := range m.StatusLTimes {
		e.str(s.Node)
		e.ltime(s.LTime)
	}
	e.strs(m.Left)
	e.ltime(m.EventLTime)
	e.uvarint(uint64(len(m.Events)))
	for i := range m.Events {
		m.Events[i].encodeFields(e)
	}
	e.ltime(m.QueryLTime)
	return e.b
}

func (m *pushPullMsg) decode(d *decoder) {
	m.LTime = d.ltime()
	n := d.count()
	for range n {
		m.StatusLTimes = append(m.StatusLTimes, nodeLTime{Node: d.str(), LTime: d.ltime()})
	}
	m.Left = d.strs()
	m.EventLTime = d.ltime()
	n = d.count()
	for range n {
		var ev userEventMsg
		ev.decode(d)
		m.Events = append(m.Events, ev)
	}
	m.QueryLTime = d.ltime()
}

// message is any decoded message.
type message interface{ encode() []byte }

// decodeMessage decodes one message of any type.
func decodeMessage(buf []byte) (message, error) {
	if len(buf) == 0 {
		return nil, fmt.Errorf("serf: empty message")
	}
	t := messageType(buf[0])
	d := &decoder{b: buf[1:]}
	var m interface {
		message
		decode(*decoder)
	}
	switch t {
	case msgLeaveIntent:
		m = &leaveIntent{}
	case msgJoinIntent:
		m = &joinIntent{}
	case msgUserEvent:
		m = &userEventMsg{}
	case msgQuery:
		m = &queryMsg{}
	case msgQueryResponse:
		m = &queryResponseMsg{}
	case msgRelay:
		m = &relayMsg{}
	case msgPushPull:
		m = &pushPullMsg{}
	default:
		return nil, fmt.Errorf("serf: unknown message type %d", buf[0])
	}
	m.decode(d)
	if err := d.finish(); err != nil {
		return nil, fmt.Errorf("serf: decode %s: %w", t, err)
	}
	return m, nil
}

// peekLTime returns the LTime of an encoded user event or query (the field right after
// the type byte), for ordering messages within one packet.
func peekLTime(buf []byte) LamportTime {
	if len(buf) < 2 {
		return 0
	}
	d := &decoder{b: buf[1:]}
	return d.ltime()
}
