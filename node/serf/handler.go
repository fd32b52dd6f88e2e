package serf

import (
	"fmt"

	"github.com/consim/consim/node/serf/filter"
)

// Handler receives the events its filter selects, one at a time, in the order they
// happened, on the node's dispatcher goroutine. It should return quickly: the next event
// waits for it. A handler for queries answers with Query.Respond.
//
// In the simulation, handlers are in-process and every invocation is recorded. A real
// agent would add a script handler that runs a command with ScriptEnv and ScriptStdin,
// as Serf's agent does.
type Handler interface {
	HandleEvent(Event)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(Event)

// HandleEvent calls f(e).
func (f HandlerFunc) HandleEvent(e Event) { f(e) }

// HandlerSpec is a handler with its name (for records) and filter (see ParseEventFilter).
type HandlerSpec struct {
	Name    string
	Filter  string
	Handler Handler
	// Internal marks the agent's own plumbing (the HTTP API's event list): its
	// invocations are not recorded, so the stream shows only handlers a user configured.
	Internal bool
}

// EventFilter selects events; see ParseEventFilter.
type EventFilter = filter.EventFilter

// ParseEventFilter parses Serf's handler filter syntax: a comma-separated list of event
// types (member-join, member-leave, member-failed, member-update, member-reap, user,
// query), "user:NAME" or "query:NAME" for one user event or query name, or "*" for
// everything. Example: "member-join,member-failed,user:deploy".
func ParseEventFilter(s string) ([]EventFilter, error) {
	fs, err := filter.ParseEvents(s)
	if err != nil {
		return nil, fmt.Errorf("serf: %w", err)
	}
	return fs, nil
}

// selects reports whether f selects e.
func selects(f EventFilter, e Event) bool {
	name := ""
	switch ev := e.(type) {
	case UserEvent:
		name = ev.Name
	case *Query:
		name = ev.Name
	}
	return f.Selects(e.EventType().String(), name)
}

// registeredHandler is a handler with its parsed filter.
type registeredHandler struct {
	name     string
	filters  []EventFilter
	h        Handler
	internal bool
}

func (r *registeredHandler) wants(e Event) bool {
	for _, f := range r.filters {
		if selects(f, e) {
			return true
		}
	}
	return false
}

// AddHandler registers a handler for the events its filter selects (ParseEventFilter's
// syntax); a bad filter is an error and registers nothing. Handlers registered after
// Create miss earlier events; use Config.Handlers to see the node's own join.
func (s *Serf) AddHandler(spec HandlerSpec) error {
	r, err := newRegisteredHandler(spec)
	if err != nil {
		return fmt.Errorf("serf %s: handler %q: %w", s.cfg.Name, spec.Name, err)
	}
	s.disp.add(r)
	return nil
}

func newRegisteredHandler(spec HandlerSpec) (*registeredHandler, error) {
	if spec.Handler == nil {
		return nil, fmt.Errorf("serf: nil Handler")
	}
	fs, err := ParseEventFilter(spec.Filter)
	if err != nil {
		return nil, err
	}
	name := spec.Name
	if name == "" {
		name = spec.Filter
	}
	return &registeredHandler{name: name, filters: fs, h: spec.Handler, internal: spec.Internal}, nil
}
