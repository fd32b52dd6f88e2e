package serf

import "time"

// RecordKind says what a Record reports.
type RecordKind string

// Record kinds. Member-level records describe this node's view; the others what it did
// or received.
const (
	// RecordMember: Member's status changed (Previous is the old one).
	RecordMember RecordKind = "member"
	// RecordMemberUpdate: Member's tags (or address) changed while alive.
	RecordMemberUpdate RecordKind = "member-update"
	// RecordSuspect: this node's probe of Member went unanswered; memberlist now
	// suspects it (Lifeguard) and will declare it failed unless it refutes.
	RecordSuspect RecordKind = "member-suspect"
	// RecordReap: Member was forgotten (reap or prune).
	RecordReap RecordKind = "member-reap"
	// RecordEventFired: this node fired Event (Err set if it was refused).
	RecordEventFired RecordKind = "user-event-fired"
	// RecordEventDelivered: Event was delivered here, once. Gap is set if it waited
	// OrderTimeout for an earlier event of its origin that had not arrived, Late if a
	// later event of its origin was delivered before it: the only two ways a node
	// delivers one origin's events out of Lamport order. PushPull is set if it came in a
	// push-pull (a join's, or anti-entropy's) rather than by gossip.
	RecordEventDelivered RecordKind = "user-event"
	// RecordQueryFired: this node started Query (Err set if it was refused).
	RecordQueryFired RecordKind = "query-fired"
	// RecordQueryReceived: Query reached this node and its filter selects it.
	RecordQueryReceived RecordKind = "query"
	// RecordQueryAck and RecordQueryResponse: the origin got an ack or a response from
	// From (Size is the response's payload size).
	RecordQueryAck      RecordKind = "query-ack"
	RecordQueryResponse RecordKind = "query-response"
	// RecordQueryDone: the origin's query ended (its timeout passed) with Acks and
	// Responses.
	RecordQueryDone RecordKind = "query-done"
	// RecordHandler: Handler was invoked with HandlerEvent.
	RecordHandler RecordKind = "handler"
)

// QueryInfo identifies a query in records.
type QueryInfo struct {
	Name    string
	LTime   LamportTime
	ID      uint32
	Origin  string
	Timeout time.Duration
	Size    int // name + payload
}

// Record is one observation. Only the fields its Kind uses are set.
type Record struct {
	Kind RecordKind
	// Self is the observing node.
	Self string

	Member   Member
	Previous MemberStatus

	Event    *UserEvent
	Gap      bool
	Late     bool
	PushPull bool

	Query     *QueryInfo
	From      string
	Size      int
	Acks      int
	Responses int

	Handler      string
	HandlerEvent Event

	Err error
}

// Observer hears about what a node's Serf layer sees and does, as it happens. Calls come
// from Serf's and memberlist's goroutines, sometimes with Serf's locks held: an Observer
// must be safe for concurrent use, must not block, and must not call back into the Serf.
// Simulations record these; Serf itself never depends on them.
type Observer interface {
	Observe(Record)
}

type nopObserver struct{}

func (nopObserver) Observe(Record) {}
