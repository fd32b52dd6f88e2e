package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/session"
)

// The session endpoints, as Consul's agent/session_endpoint.go: create, destroy and
// renew go to the leader; info, node and list are reads with the read modes, headers and
// blocking queries of every read.

// lockDelayMinThreshold: a numeric LockDelay below it is in seconds, else nanoseconds
// (Consul's FixupLockDelay: people send 15 meaning seconds).
const lockDelayMinThreshold = 1000

// sessionCreate serves PUT /v1/session/create. The defaults are Consul's: this agent's
// node, the serfHealth check (unless the body names checks), a 15 s lock-delay,
// behaviour release, no TTL.
func (a *Agent) sessionCreate(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		s := session.Session{Node: a.cfg.Name, NodeChecks: []string{catalog.SerfCheckID},
			LockDelay: session.DefaultLockDelay, Behavior: session.BehaviorRelease}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(body)) > 0 {
			if err := decodeSessionBody(body, &s); err != nil {
				return nil, badRequest("Request decode failed: %v", err)
			}
		}
		reply, err := svc.applySession(r.Context(), SessionRequest{Op: SessionCreate, Session: s})
		if err != nil {
			return nil, apiError(err)
		}
		return struct{ ID string }{reply.ID}, nil
	}
}

// sessionBody is what a create may carry. Checks is the name before Consul 1.7 and is
// merged into NodeChecks; naming either replaces the default serfHealth. ServiceChecks
// ([{"ID": "service:web", "Namespace": ""}]) binds service checks of the node as well,
// and leaves the default node check in place.
type sessionBody struct {
	Name          string
	Node          string
	LockDelay     json.RawMessage
	Behavior      string
	TTL           string
	Checks        []string
	NodeChecks    []string
	ServiceChecks []session.ServiceCheck
}

func decodeSessionBody(b []byte, s *session.Session) error {
	var in sessionBody
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&in); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	json.Unmarshal(b, &keys)
	named := func(name string) bool {
		for k := range keys {
			if strings.EqualFold(k, name) {
				return true
			}
		}
		return false
	}
	if in.Name != "" {
		s.Name = in.Name
	}
	if in.Node != "" {
		s.Node = in.Node
	}
	if in.Behavior != "" {
		s.Behavior = in.Behavior
	}
	s.TTL = in.TTL
	if named("Checks") || named("NodeChecks") {
		s.NodeChecks = append(append([]string(nil), in.Checks...), in.NodeChecks...)
	}
	if len(in.ServiceChecks) > 0 {
		s.ServiceChecks = in.ServiceChecks
	}
	if len(in.LockDelay) > 0 {
		d, err := parseLockDelay(in.LockDelay)
		if err != nil {
			return err
		}
		s.LockDelay = d
	}
	return nil
}

// parseLockDelay reads a LockDelay given as a duration text or a number; below
// lockDelayMinThreshold either means seconds.
func parseLockDelay(raw json.RawMessage) (time.Duration, error) {
	var d time.Duration
	var str string
	var num float64
	switch {
	case json.Unmarshal(raw, &str) == nil:
		v, err := time.ParseDuration(str)
		if err != nil {
			return 0, err
		}
		d = v
	case json.Unmarshal(raw, &num) == nil:
		d = time.Duration(num)
	default:
		return 0, fmt.Errorf("LockDelay %s: want a duration text or a number", raw)
	}
	if d < lockDelayMinThreshold {
		d *= time.Second
	}
	return d, nil
}

// sessionDestroy serves PUT /v1/session/destroy/ID: true, also for an unknown session.
func sessionDestroy(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, err := pathArg(r, "/v1/session/destroy/", "Missing session")
		if err != nil {
			return nil, err
		}
		if _, err := svc.applySession(r.Context(), SessionRequest{Op: SessionDestroy, Session: session.Session{ID: id}}); err != nil {
			return nil, apiError(err)
		}
		return true, nil
	}
}

// sessionRenew serves PUT /v1/session/renew/ID: the session in a list, or a 404.
func sessionRenew(svc kvService) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, err := pathArg(r, "/v1/session/renew/", "Missing session")
		if err != nil {
			return nil, err
		}
		reply, err := svc.applySession(r.Context(), SessionRequest{Op: SessionRenew, Session: session.Session{ID: id}})
		if err != nil {
			return nil, apiError(err)
		}
		if reply.Session == nil {
			return nil, httpError{code: http.StatusNotFound, reason: fmt.Sprintf("Session id '%s' not found", id)}
		}
		return []session.Session{*reply.Session}, nil
	}
}

// sessionRead serves GET /v1/session/info/ID, /v1/session/node/NODE and
// /v1/session/list: a list, empty rather than null.
func sessionRead(svc kvService, op, prefix, missing string) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		req := ReadRequest{Op: op}
		if prefix != "" {
			arg, err := pathArg(r, prefix, missing)
			if err != nil {
				return nil, err
			}
			req.Key = arg
		}
		reply, err := catalogRead(svc, w, r, req)
		if err != nil {
			return nil, err
		}
		if reply.Sessions == nil {
			reply.Sessions = []session.Session{}
		}
		return reply.Sessions, nil
	}
}
