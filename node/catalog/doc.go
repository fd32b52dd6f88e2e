// Package catalog is the Consul-style service catalog that consim's servers replicate with
// hashicorp/raft beside the key/value store: nodes, the services registered on them and
// their health checks, as Consul's state store keeps them (agent/consul/state/catalog.go).
//
// Like node/kv it is pure and deterministic: it starts no goroutines, reads no clock and
// draws no random numbers, and everything it returns or writes is sorted (nodes by name,
// services by ID, checks by check ID), so the same log gives the same state, the same
// reads and the same snapshot bytes on every server and every run.
//
// The pieces:
//   - Node, Service and Check are the catalog's records, with Consul's JSON field names.
//   - Request is a write (register or deregister, Consul's Catalog.Register and
//     Catalog.Deregister), validated before it is submitted to raft and carried in the
//     log as Encode's bytes.
//   - Store holds the records, applies writes at the raft index they commit at, answers
//     the reads the HTTP API's catalog and health endpoints need, and gives blocking
//     queries a channel that closes on the next change.
//
// # Semantics, and where they follow Consul
//
//   - A register upserts the node (its address), then the service, then the checks. A
//     record that would not change is left alone: no index moves and no watch fires, as
//     Consul's memdb commits nothing for it. A check that names a service must find that
//     service on the node ("Missing service registration", as Consul answers).
//   - A deregister with neither service nor check removes the node with everything on it;
//     with a service ID, the service and its checks; with a check ID, that check.
//     Removing what is absent changes nothing.
//   - A check's ServiceName and ServiceTags are copied from its service when it is
//     registered, and again when the service is re-registered with other tags.
//
// # Indexes
//
// Store.Index is the raft index of the last change to the catalog. Every read reports it
// (at least 1, as Consul never answers 0): coarser than Consul's per-table indexes, so a
// blocking query may wake for a change elsewhere in the catalog, but it never misses one
// and never goes backwards. Each record carries its own CreateIndex and ModifyIndex.
package catalog
