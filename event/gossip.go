package event

// Gossip event types: what the Serf layer of each node sees and does, and the gossip
// actions of a scenario. docs/events.md describes their fields.
const (
	// MemberUpdate says Node sees Member's new Tags.
	MemberUpdate Type = "member_update"
	// MemberSuspect says Node's probe of Member went unanswered: memberlist suspects it.
	MemberSuspect Type = "member_suspect"
	// MemberReap says Node forgot the failed or left Member.
	MemberReap Type = "member_reap"
	// UserEventFired says Node fired a user event (Reason set if it was refused).
	UserEventFired Type = "user_event_fired"
	// UserEvent says a user event was delivered on Node.
	UserEvent Type = "user_event"
	// Query says Node started a query (Reason set if it was refused).
	Query Type = "query"
	// QueryDelivered says a query reached Node and its filter selected Node.
	QueryDelivered Type = "query_delivered"
	// QueryAck and QueryResponse say the origin Node got an ack or an answer from Member.
	QueryAck      Type = "query_ack"
	QueryResponse Type = "query_response"
	// QueryEnd says the origin's query timed out with Acks and Responses collected.
	QueryEnd Type = "query_end"
	// Handler says an event handler ran on Node.
	Handler Type = "handler"
	// TagsSet says the scenario set Node's tags (Tags is the full new set).
	TagsSet Type = "tags_set"
	// Leave says Node started to leave gracefully; node_down (reason leave) follows.
	Leave Type = "leave"
	// ForceLeave says Node forced Member out (Reason set if it was refused).
	ForceLeave Type = "force_leave"
)

// Filter is the set of members a user event or query was meant for: by name, and by
// tag patterns that must match the whole tag value. Empty means every member.
type Filter struct {
	Nodes []string          `json:"nodes,omitempty"`
	Tags  map[string]string `json:"tags,omitempty"`
}

// ViaPushPull is a user_event's Via when the event came in a push-pull (a join's, or
// anti-entropy's) rather than by gossip: a late joiner's gossip may race its join's
// push-pull, but what the push-pull itself hands it is judged as a replay.
const ViaPushPull = "push-pull"

// Reasons a node went down, as carried by node_down.
const (
	ReasonCrash = "crash"
	ReasonLeave = "leave"
)
