package event

// Lock event types: what the lock clients did and believed, and what the servers did to
// their sessions, what the lock-safety checker needs. docs/events.md describes their
// fields.
const (
	// LockSession says lock client Client created Session on agent Via (Status ok), or
	// could not (Status fail, Error).
	LockSession Type = "lock_session"
	// LockAcquire says Client's acquire of Key with Session returned: Status held (it
	// now believes it holds the lock), busy (answered false: held by another session, or
	// refused for lock-delay) or fail (Error; the client does not believe it holds it).
	LockAcquire Type = "lock_acquire"
	// LockRelease says Client let go of Key, held with Session and LockIndex, by
	// releasing it: it stops believing it holds it now, as it sends the release.
	LockRelease Type = "lock_release"
	// LockLost says Client stopped believing it holds Key without releasing it: Reason
	// "session invalidated" (a renewal answered 404) or "unconfirmed" (no renewal
	// confirmed within one TTL of the last that was).
	LockLost Type = "lock_lost"
	// FenceCall and FenceReturn are a fenced write of holder Client: OpID, Key (the lock
	// key + "/fence"), the LockIndex it carries; the return's Status (ok, fail, unknown),
	// Code and Error.
	FenceCall   Type = "fence_call"
	FenceReturn Type = "fence_return"
	// SessionInvalidate says the state machine of server Node invalidated Session (of
	// node Member): Reason (destroy, ttl, node, "check ID critical"), the Keys it held,
	// released (or deleted), and the LockDelay they got.
	SessionInvalidate Type = "session_invalidate"
	// LockDelayed says leader Node refused Session's acquire of Key for its lock-delay,
	// with LockDelay left.
	LockDelayed Type = "lock_delay"
)

// LockTypes lists the lock event types.
var LockTypes = []Type{LockSession, LockAcquire, LockRelease, LockLost, FenceCall, FenceReturn, SessionInvalidate, LockDelayed}

// Lock acquire outcomes (lock_acquire's Status).
const (
	LockHeld = "held"
	LockBusy = "busy"
	LockFail = "fail"
)

// Reasons a client stops believing it holds a lock (lock_lost's Reason).
const (
	LostInvalidated = "session invalidated"
	LostUnconfirmed = "unconfirmed"
)
