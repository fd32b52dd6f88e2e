// Package session is the Consul-style session table that consim's servers replicate with
// hashicorp/raft beside the key/value store and the catalog: sessions bound to a node and
// to health checks, with a TTL, a lock-delay and an invalidation behaviour, as Consul's
// state store keeps them (agent/consul/state/session.go).
//
// Like node/kv and node/catalog it is pure and deterministic: no goroutines, no clock, no
// random numbers; reads and snapshots are sorted by session ID. What ties a session to the
// other tables (its node and checks must exist when it is created; its invalidation
// releases or deletes the keys it locks; the lock-delay that follows) lives with the
// server's state machine, which owns all three (node/fsm_session.go): this package only
// keeps the sessions.
package session
