// Package serf is consim's Serf-style layer over hashicorp/memberlist: what hashicorp/serf
// adds to bare membership, built here from scratch so that the harness can test it.
//
//   - Members with tags (in memberlist's node meta) and a status: alive, leaving, left,
//     failed. Suspicion, which memberlist keeps to itself, is surfaced as a record.
//   - Intents, each stamped with a member Lamport clock: a node leaving gracefully first
//     gossips a leave intent, so members record it leaving and then left, never failed
//     (memberlist v0.7.0 alone cannot tell the two apart: it never sets Node.State when
//     it notifies). ForceLeave turns a failed member into a left one, optionally pruned.
//     Failed and left members are reaped after ReconnectTimeout and TombstoneTimeout;
//     failed ones are retried meanwhile.
//   - User events: a name and a payload (name + payload at most EventSizeLimit, 512 bytes
//     by default, hard cap MaxEventSizeLimit), gossiped through memberlist's
//     transmit-limited broadcast queue, stamped with an event Lamport clock,
//     de-duplicated against a buffer of recent times, delivered once per member and in
//     Lamport order per origin, optionally filtered by node name and tag and coalesced
//     for handlers. Push-pull anti-entropy carries the buffer, so an event lost in gossip
//     still arrives. Replay rules: a node joining without Options.Replay delivers only
//     events the cluster had not seen when it joined.
//   - Queries: gossiped like events, answered directly to the origin by the members a
//     filter selects, with optional acks and relays, collected until a timeout.
//   - Handlers with Serf's filter syntax ("member-join,user:deploy"), run in order on one
//     dispatcher goroutine; ScriptEnv and ScriptStdin give what a script handler needs.
//
// The wire format is the package's own (codec.go), not Serf's: the layer is compatible
// with itself only. Every random choice comes from Config.Rand, so a seeded run repeats.
package serf
