// Package kv is the Consul-style key/value state machine that consim's servers replicate
// with hashicorp/raft.
//
// It is pure and deterministic: it starts no goroutines, reads no clock and draws no
// random numbers, and everything it returns or writes is ordered by key, so the same
// log gives the same state, the same reads and the same snapshot bytes on every node and
// every run. That matters because it runs inside the wasip1 guest, where the simulation
// is only repeatable if every component is.
//
// The pieces:
//   - Entry is one key, shaped like Consul's KV JSON.
//   - Store holds the entries and answers reads; its writes take the raft index they are
//     applied at. Watch gives blocking queries a channel that closes on the next change
//     under a prefix.
//   - Request is a write, validated (Request.Validate) before it is submitted to raft
//     and carried in the log as Encode's bytes.
//   - FSM is the raft.FSM: it decodes log entries, applies them to its Store, and takes
//     and restores snapshots.
//
// # Semantics, and where they follow Consul
//
// The write rules are Consul's state store's (agent/consul/state/kvs.go):
//   - set keeps CreateIndex on update and sets ModifyIndex to the raft index; a set that
//     changes nothing (same value and flags) is a no-op that still answers true, leaving
//     ModifyIndex and the store's index where they were, as Consul's kvsSetTxn does;
//   - cas succeeds iff the key's ModifyIndex equals the given index; index 0 means
//     create-only: it succeeds only if the key is absent;
//   - delete of an absent key is a no-op that answers true;
//   - delete-cas deletes iff ModifyIndex matches; on an absent key it answers true, as
//     Consul's kvsDeleteCASTxn does (there is nothing left to delete);
//   - delete-tree deletes every key under a prefix ("" is the whole store).
//
// A "write" below means a change of state. Operations that change nothing (a failed CAS,
// deleting an absent key, an unchanged set, delete-tree of an empty subtree) move no
// index and fire no watch, because Consul's memdb commits nothing for them either.
//
// # Indexes
//
// Store.Index is the raft index of the last change of any kind, deletes included, like
// the max over Consul's kvs and tombstones tables. It is 0 only for a store that has
// never changed. The reads return the index Consul would put in X-Consul-Index:
//   - Get of a present key: its ModifyIndex (Consul's KVS.Get does this);
//   - Get of an absent key: the store index;
//   - List and Keys: the store index. Consul narrows a list's index to the prefix (the
//     highest ModifyIndex or tombstone under it); keeping tombstones per key would grow
//     without bound here, and the store index is never smaller than Consul's and never
//     goes backwards, so a blocking list query can wake early but never misses a change.
//
// None of them is ever 0: like Consul's RPC layer ("Index 1 is impossible anyways"),
// an empty or never-written store answers 1.
package kv
