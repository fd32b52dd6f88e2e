package session

import (
	"encoding/json"
	"fmt"
)

// Op is a session write.
type Op string

// The writes that go through raft. Renewing is not one: it only resets the leader's
// timer, as in Consul.
const (
	OpCreate  Op = "create"
	OpDestroy Op = "destroy"
)

// Request is one session write as the raft log carries it: a create with the whole
// session (its ID chosen by the leader), a destroy with the ID, and why (Reason, for the
// record: "destroy", "ttl").
type Request struct {
	Op      Op      `json:"op"`
	Session Session `json:"session"`
	Reason  string  `json:"reason,omitempty"`
}

// Encode returns r as the payload of a raft log entry (the caller frames it with its
// command type): r's JSON, canonical since r holds no maps.
func Encode(r Request) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("session: encode: %v", err)) // plain structs: cannot fail
	}
	return b
}

// Decode reads a payload written by Encode; anything else is an error, never a panic.
func Decode(b []byte) (Request, error) {
	var r Request
	if err := json.Unmarshal(b, &r); err != nil {
		return Request{}, fmt.Errorf("session: decode: %w", err)
	}
	if r.Op != OpCreate && r.Op != OpDestroy {
		return Request{}, fmt.Errorf("session: decode: unknown operation %q", r.Op)
	}
	return r, nil
}
