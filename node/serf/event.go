package serf

import (
	"fmt"

	"github.com/consim/consim/node/serf/filter"
)

// EventType is the kind of an Event.
type EventType int

// Event types, as Serf names them.
const (
	EventMemberJoin EventType = iota + 1
	EventMemberLeave
	EventMemberFailed
	EventMemberUpdate
	EventMemberReap
	EventUser
	EventQuery
)

// String returns Serf's name: "member-join", "member-leave", "member-failed",
// "member-update", "member-reap", "user" or "query".
func (t EventType) String() string {
	switch t {
	case EventMemberJoin:
		return "member-join"
	case EventMemberLeave:
		return "member-leave"
	case EventMemberFailed:
		return "member-failed"
	case EventMemberUpdate:
		return "member-update"
	case EventMemberReap:
		return "member-reap"
	case EventUser:
		return "user"
	case EventQuery:
		return "query"
	}
	return fmt.Sprintf("unknown-event(%d)", int(t))
}

// Event is what handlers receive: a MemberEvent, a UserEvent or a *Query.
type Event interface {
	EventType() EventType
	// String names the event as handler filters do: "member-join", "user:deploy",
	// "query:uptime".
	String() string
}

// MemberEvent is a change of one or more members (several when coalesced).
type MemberEvent struct {
	Type    EventType
	Members []Member
}

// EventType returns the member event's type.
func (e MemberEvent) EventType() EventType { return e.Type }

// String returns the type's name.
func (e MemberEvent) String() string { return e.Type.String() }

// UserEvent is a user event as delivered.
type UserEvent struct {
	LTime    LamportTime
	Origin   string
	Name     string
	Payload  []byte
	Coalesce bool
	// Filter is the set of members the event was fired for (zero: every member).
	Filter filter.Filter
}

// EventType returns EventUser.
func (UserEvent) EventType() EventType { return EventUser }

// String returns "user:NAME".
func (e UserEvent) String() string { return "user:" + e.Name }
