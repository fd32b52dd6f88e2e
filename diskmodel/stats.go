package diskmodel

import "fmt"

// Stats are a Disk's counters since New. All but the last two only grow, so a fault's effect
// is the difference of two Stats taken before and after it.
type Stats struct {
	// Started counts writes begun (acknowledged, waiting, or lost to a crash since): what
	// a disk fault counts as the writes it slowed.
	Started uint64
	// Writes counts acknowledged writes: calls that returned nil, honestly or not.
	Writes uint64
	// WriteBytes is the payload of acknowledged writes: log data and extensions, stable keys
	// and values, snapshot contents.
	WriteBytes uint64
	// Syncs counts honest writes: acknowledged only once durable, after their full fsync
	// latency (zero or more). Writes = Syncs + LiedWrites.
	Syncs uint64
	// LiedWrites counts writes acknowledged before they were durable (fsync lies).
	LiedWrites uint64
	// Flushed counts lied writes that later became durable.
	Flushed uint64
	// Reads counts GetLog, Get, GetUint64 and snapshot Open calls that found their data.
	Reads uint64
	// Crashes counts Crash calls.
	Crashes uint64
	// LostInFlight counts writes waiting for their fsync when a crash hit: never applied,
	// their callers got ErrCrashed.
	LostInFlight uint64
	// LostUnflushed counts acknowledged writes that a crash erased (fsync lies).
	LostUnflushed uint64
	// LostBytes is the payload of LostInFlight and LostUnflushed writes.
	LostBytes uint64
	// StaleCalls counts calls that failed with ErrCrashed because their handle, sink or
	// reader was opened before a crash.
	StaleCalls uint64
	// SnapshotsReaped counts snapshots deleted from durable state beyond the retain count.
	SnapshotsReaped uint64
	// SnapshotsAbandoned counts snapshot sinks still open (created, not closed or canceled)
	// when a crash hit: their contents never became a snapshot.
	SnapshotsAbandoned uint64

	// InFlight is how many writes are waiting for their fsync now.
	InFlight uint64
	// Unflushed is how many acknowledged writes are not durable yet now.
	Unflushed uint64
}

// String prints the counters as space-separated key=value pairs in a fixed order.
func (s Stats) String() string {
	return fmt.Sprintf("started=%d writes=%d write_bytes=%d syncs=%d lied_writes=%d flushed=%d reads=%d "+
		"crashes=%d lost_in_flight=%d lost_unflushed=%d lost_bytes=%d stale_calls=%d "+
		"snapshots_reaped=%d snapshots_abandoned=%d in_flight=%d unflushed=%d",
		s.Started, s.Writes, s.WriteBytes, s.Syncs, s.LiedWrites, s.Flushed, s.Reads,
		s.Crashes, s.LostInFlight, s.LostUnflushed, s.LostBytes, s.StaleCalls,
		s.SnapshotsReaped, s.SnapshotsAbandoned, s.InFlight, s.Unflushed)
}
