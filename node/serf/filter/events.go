package filter

import (
	"fmt"
	"strings"
)

// EventFilter selects the events an event handler receives: Event is an event type name
// or "*", and Name, for "user" and "query", one user event or query name ("" for all).
type EventFilter struct {
	Event string
	Name  string
}

// EventTypes are the event names a handler filter may use, in Serf's order, "*" last.
var EventTypes = []string{"member-join", "member-leave", "member-failed", "member-update", "member-reap", "user", "query", "*"}

// ParseEvents parses Serf's handler filter syntax: a comma-separated list of event types
// (member-join, member-leave, member-failed, member-update, member-reap, user, query),
// "user:NAME" or "query:NAME" for one user event or query name, or "*" for every event.
// Example: "member-join,member-failed,user:deploy". Spaces around items are ignored.
func ParseEvents(s string) ([]EventFilter, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty event filter: write * for every event")
	}
	var out []EventFilter
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		f := EventFilter{Event: item}
		if ev, name, ok := strings.Cut(item, ":"); ok {
			if ev != "user" && ev != "query" {
				return nil, fmt.Errorf("event filter %q: only user and query take a name (user:NAME, query:NAME)", item)
			}
			if name == "" {
				return nil, fmt.Errorf("event filter %q: a name is needed after the colon", item)
			}
			f = EventFilter{Event: ev, Name: name}
		}
		known := false
		for _, e := range EventTypes {
			if f.Event == e {
				known = true
			}
		}
		if !known {
			if item == "" {
				return nil, fmt.Errorf("event filter %q has an empty item", s)
			}
			return nil, fmt.Errorf("unknown event %q in filter %q: want %s, user:NAME or query:NAME", item, s, strings.Join(EventTypes, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// Selects reports whether the filter selects an event of the given type ("member-join",
// "user", "query", ...) and, for user events and queries, name.
func (f EventFilter) Selects(eventType, name string) bool {
	switch {
	case f.Event == "*":
		return true
	case f.Event != eventType:
		return false
	}
	return f.Name == "" || f.Name == name
}
