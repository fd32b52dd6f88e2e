// Package diskmodel is a simulated disk that holds one node's raft log, stable state and
// snapshots, owned by the simulated world rather than by the node. A node can crash (its
// agent and raft shut down abruptly) and a new one can start on the same Disk and find
// exactly what a real disk would have kept.
//
// Nothing here touches real files. Time comes from the time package: inside the wasip1
// guest it is virtual, and native tests run inside testing/synctest. A Disk and every
// handle, sink and reader opened on it must live in the same synctest bubble.
//
// # Writes, latency and durability
//
// Every write operation — LogStore.StoreLog, StoreLogs and DeleteRange, StableStore.Set and
// SetUint64, and SnapshotSink.Close — is one durable write: it waits Config.WriteLatency
// (the modeled fsync, fixed when the call starts) and then becomes visible and durable at
// the same instant, atomically (all entries of a StoreLogs call or none). Reads,
// SnapshotStore.Create and SnapshotSink.Write cost nothing: a sink buffers its bytes in
// memory and Close writes them all as one durable write. A write of latency zero completes
// without waiting, and is honest even with fsync lies on.
//
// # Crash
//
// Disk.Crash is a power loss or process crash:
//   - every handle (LogStore, StableStore, SnapshotStore, sinks, snapshot readers) opened
//     before the crash returns ErrCrashed from then on, reads included;
//   - a write waiting for its fsync is not applied, and its caller gets ErrCrashed at the
//     moment of the crash (it does not wait out its latency);
//   - every write that was acknowledged honestly (returned nil with fsync lies off)
//     survives;
//   - a snapshot sink not yet closed is discarded: no partial snapshot is ever listed or
//     opened.
//
// The Disk's methods LogStore, StableStore and SnapshotStore then return fresh handles on
// the surviving durable state, which is what a restarted node opens. A crash at the very
// instant a write's fsync ends (or a lied write is due) may come before or after it: the
// order of events at one virtual instant is the scheduler's, fixed by the seed in the guest.
// Either way an honest write survives if and only if it was acknowledged.
//
// # Fsync lies (unsafe)
//
// SetFsyncLies(true) models a disk or a configuration that acknowledges writes before they
// are durable. A write then returns at once and is visible to reads at once, but it sits in
// a volatile write-back queue until WriteLatency after the call; a timer (no goroutine of
// the Disk's own) moves due writes to durable state in the order they were written, so the
// durable state is always a prefix of the write history: no reordering, no torn writes.
// A Crash loses every write still in the queue (Stats.LostUnflushed). An honest write (fsync
// lies off) is a barrier: when its fsync completes, everything queued before it becomes
// durable with it, as a real fsync flushes earlier dirty pages. Turning lies off does not
// flush the queue by itself.
//
// # Raft's contracts
//
// The handles follow hashicorp/raft-boltdb, the store Consul runs: StableStore.Get and
// GetUint64 of a missing key return ErrKeyNotFound, whose text is "not found" (raft compares
// err.Error() with that string); Set and SetUint64 share one key space, SetUint64 storing 8
// big-endian bytes. The LogStore copies logs in and out (raft reuses its buffers), accepts
// gaps between indexes, and reports the lowest and highest stored index. The SnapshotStore
// behaves like raft.FileSnapshotStore with a retain count: version 1 only, IDs
// "term-index-millis" (plus "-2", "-3"… if taken), List newest first (by term, then index, then ID), snapshots beyond
// the retain count deleted when a newer one becomes durable. SnapshotMeta.Peers (the
// deprecated pre-version-1 encoding) is left empty: raft reads Configuration instead for
// version 1 snapshots.
package diskmodel
