package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Op is a catalog write.
type Op string

// The catalog writes, Consul's Catalog.Register and Catalog.Deregister.
const (
	OpRegister   Op = "register"
	OpDeregister Op = "deregister"
)

// Request is one catalog write, as submitted to raft. A register carries the node's
// address and optionally a service and checks; a deregister names the node and at most
// one of ServiceID and CheckID.
type Request struct {
	Op        Op       `json:"op"`
	Node      string   `json:"node"`
	Address   string   `json:"address,omitempty"`
	Service   *Service `json:"service,omitempty"`
	Checks    []*Check `json:"checks,omitempty"`
	ServiceID string   `json:"service_id,omitempty"`
	CheckID   string   `json:"check_id,omitempty"`
}

// Validate checks r before it is submitted to raft, with Consul's messages.
func (r Request) Validate() error {
	switch r.Op {
	case OpRegister:
		if r.Node == "" || r.Address == "" {
			return errors.New("Must provide node and address")
		}
		if r.Service != nil && r.Service.Service == "" {
			return errors.New("Must provide service name")
		}
		for _, c := range r.Checks {
			if c.CheckID == "" {
				return errors.New("Must provide check ID")
			}
			if !ValidStatus(c.Status) {
				return fmt.Errorf("Invalid check status %q", c.Status)
			}
		}
	case OpDeregister:
		if r.Node == "" {
			return errors.New("Must provide node")
		}
		if r.ServiceID != "" && r.CheckID != "" {
			return errors.New("Deregister takes a service ID or a check ID, not both")
		}
	default:
		return fmt.Errorf("catalog: unknown operation %q", r.Op)
	}
	return nil
}

// Encode returns r as the payload of a raft log entry (the caller frames it with its
// command type). It is r's JSON: catalog writes are rare (anti-entropy and the leader's
// reconcile make them), and the encoding is canonical since r holds no maps.
func Encode(r Request) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("catalog: encode: %v", err)) // plain structs: cannot fail
	}
	return b
}

// Decode reads a payload written by Encode; anything else is an error, never a panic.
func Decode(b []byte) (Request, error) {
	var r Request
	if err := json.Unmarshal(b, &r); err != nil {
		return Request{}, fmt.Errorf("catalog: decode: %w", err)
	}
	return r, nil
}
