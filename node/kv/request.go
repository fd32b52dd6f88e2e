package kv

import (
	"fmt"
	"strings"
)

// Op is a write operation. The values are Consul's api.KVOp names.
type Op string

// The write operations.
const (
	OpSet        Op = "set"         // put Value and Flags at Key
	OpCAS        Op = "cas"         // put only if Key's ModifyIndex is Index (0: only if absent)
	OpDelete     Op = "delete"      // delete Key
	OpDeleteCAS  Op = "delete-cas"  // delete Key only if its ModifyIndex is Index
	OpDeleteTree Op = "delete-tree" // delete every key starting with Key
	// OpLock (Consul's "lock", HTTP ?acquire=) puts Value and Flags at Key and locks it
	// for Session, unless another session holds it; OpUnlock (?release=) puts them and
	// unlocks it, if Session holds it. The server checks the session exists.
	OpLock   Op = "lock"
	OpUnlock Op = "unlock"
)

// MaxValueSize is the largest value a set or cas may carry, in bytes: Consul's default
// kv_max_value_size, raft's suggested maximum entry size (512 KiB).
const MaxValueSize = 512 * 1024

// Request is one write, as submitted to raft.
type Request struct {
	Op    Op
	Key   string // the key; the prefix for OpDeleteTree, where "" means every key
	Value []byte // OpSet and OpCAS only
	Flags uint64 // OpSet and OpCAS only
	Index uint64 // the expected ModifyIndex for OpCAS and OpDeleteCAS
	// Session is the session that locks or unlocks Key (OpLock, OpUnlock only).
	Session string `json:",omitempty"`
}

// HTTP statuses of RequestError, as Consul answers them.
const (
	StatusBadRequest            = 400
	StatusRequestEntityTooLarge = 413
)

// kvMaxValueSizeDoc is the link Consul's message for an oversized value ends with,
// exactly as Consul's agent/kvs_endpoint.go spells it.
const kvMaxValueSizeDoc = "https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size"

// RequestError is a request refused before it reaches raft: the HTTP status and the
// message Consul answers the same request with.
type RequestError struct {
	Status int    // StatusBadRequest or StatusRequestEntityTooLarge
	Reason string // Consul's message
}

func (e *RequestError) Error() string { return e.Reason }

// Validate checks r before it is submitted to raft, and refuses it with Consul's status
// and message:
//   - a set, cas, delete or delete-cas without a key: 400 "Missing key name" (only
//     delete-tree may have an empty key: it then deletes everything);
//   - a key starting with "/": 400 "key must not begin with a '/'", the message of
//     Consul's newest servers. Over HTTP such a key cannot arrive anyway: Go's ServeMux
//     cleans /v1/kv//a into a redirect to /v1/kv/a, and Consul's client strips or refuses
//     a leading "/"; the check guards callers that build requests directly. (Consul's
//     newest servers also refuse characters outside [A-Za-z0-9,-_./]; consim does not.)
//   - a set or cas value over MaxValueSize bytes: 413 with Consul's message. Consul
//     compares the request's Content-Length, consim the value; for a PUT they agree.
//   - an unknown Op: 400.
func (r Request) Validate() error {
	switch r.Op {
	case OpSet, OpCAS, OpDelete, OpDeleteCAS, OpLock, OpUnlock:
		if r.Key == "" {
			return &RequestError{StatusBadRequest, "Missing key name"}
		}
	case OpDeleteTree:
	default:
		return &RequestError{StatusBadRequest, fmt.Sprintf("unknown KV operation %q", r.Op)}
	}
	if strings.HasPrefix(r.Key, "/") {
		return &RequestError{StatusBadRequest, "key must not begin with a '/'"}
	}
	if (r.Op == OpSet || r.Op == OpCAS || r.Op == OpLock || r.Op == OpUnlock) && len(r.Value) > MaxValueSize {
		return TooLarge(int64(len(r.Value)))
	}
	return nil
}

// TooLarge is Consul's 413 for a value of n bytes, more than MaxValueSize. The HTTP layer
// uses it on the declared Content-Length before reading the body.
func TooLarge(n int64) *RequestError {
	return &RequestError{StatusRequestEntityTooLarge, fmt.Sprintf(
		"Request body(%d bytes) too large, max size: %d bytes. See %s.",
		n, MaxValueSize, kvMaxValueSizeDoc)}
}
