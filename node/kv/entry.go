package kv

import "bytes"

// Entry is one key of the store, with the JSON shape Consul's HTTP API answers a KV read
// with. The field order is the order Consul's server writes (its structs.DirEntry, whose
// embedded RaftIndex comes last), so a JSON-encoded list is byte-for-byte what Consul
// sends; Consul's client library (api.KVPair) reads it by field name.
//
// Value encodes as base64 and as null when nil; an empty value is stored as nil, as a PUT
// with an empty body is in Consul, so it reads back as null. Session is omitted when
// empty, as Consul omits it. Session is the session holding the key's lock, and
// LockIndex the number of times a session acquired it (lock.go).
type Entry struct {
	LockIndex   uint64
	Key         string
	Flags       uint64
	Value       []byte
	Session     string `json:",omitempty"`
	CreateIndex uint64
	ModifyIndex uint64
}

// clone returns a deep copy, so callers never share memory with the store.
func (e *Entry) clone() *Entry {
	c := *e
	if e.Value != nil {
		c.Value = bytes.Clone(e.Value)
	}
	return &c
}

// sameContent reports whether a set of value and flags would leave e unchanged: Consul's
// DirEntry.Equal on the fields a set can change.
func (e *Entry) sameContent(value []byte, flags uint64) bool {
	return e.Flags == flags && bytes.Equal(e.Value, value)
}
