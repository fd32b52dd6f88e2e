package gen

import (
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
)

// lockDelayMargin is how much longer than the session TTL the generated lock-delay is, at
// least. Why a margin, and why the property holds then: a client stops believing it
// holds a lock one TTL after it sent the last renewal a server confirmed, and the servers
// free a key early (before the TTL runs out) only by invalidating the session, which
// starts the key's lock-delay. With lock-delay at least the TTL, the next holder gets the
// key after the old one let go, unless a renewal was confirmed after the invalidation:
// only a deposed leader that has not noticed yet confirms one (renewals reset the
// leader's timer without a quorum round trip, as in Consul), and the generator's longest
// leader stall is 12 s (stalled-leader-cut), of which the new leader's election and
// gossip's failure detection take seconds before it can invalidate. 15 s covers that
// with room. A smaller lock-delay (0 included) is a scenario in which a correct Consul
// lets two clients believe at once (lock-partition shows it): no property to claim.
const lockDelayMargin = 15 * time.Second

// drawLocks draws, half of the time, lock clients beside the KV workload: two or three,
// contending for one key through the first agents (the client agents, or the servers
// when there are none), holding it 5 to 30 s, with a TTL of 10 to 15 s and a lock-delay
// lockDelayMargin to 5 s more above it, fenced writes or not. They start with the
// workload. With them, half of the time, comes a cut-lock-holder fault (drawCutLockHolder)
// when o allows its kind and one more fault.
func drawLocks(t *rapid.T, sc *scenarios.Scenario, o Options) {
	if !rapid.Bool().Draw(t, "locks") {
		return
	}
	ttl := time.Duration(rapid.IntRange(10, 15).Draw(t, "lock_ttl_s")) * time.Second
	delay := scenarios.Duration(ttl + lockDelayMargin + time.Duration(rapid.IntRange(0, 5).Draw(t, "lock_delay_extra_s"))*time.Second)
	sc.Workload.Locks = &scenarios.Locks{
		Clients:   rapid.IntRange(2, 3).Draw(t, "lock_clients"),
		Hold:      scenarios.Duration(time.Duration(rapid.IntRange(5, 30).Draw(t, "lock_hold_s")) * time.Second),
		TTL:       scenarios.Duration(ttl),
		LockDelay: &delay,
		Fenced:    rapid.Bool().Draw(t, "lock_fenced"),
	}
	if slices.Contains(o.kinds(), KindCutLockHolder) && len(faultGroups(sc.Faults)) < o.maxFaults() && rapid.Bool().Draw(t, "cut_lock_holder") {
		drawCutLockHolder(t, sc)
	}
}

// drawCutLockHolder cuts the agent of l1, which takes the lock first, off from every other
// node while l1 holds it, for 8 to 20 s (to the end of the run at most): longer than
// gossip takes to declare the agent failed, after which the leader invalidates l1's
// session and the key is free while l1 still believes it holds it, until one TTL after
// its last confirmed renewal. Lock-delay is what keeps the next holder out meanwhile
// (lock-partition's situation); independent draws of an isolation seldom hit that agent
// for that long while it holds the lock. Left out when it conflicts with a fault drawn
// before.
func drawCutLockHolder(t *rapid.T, sc *scenarios.Scenario) {
	hold := sc.Workload.Locks.Hold.D()
	// l1 acquires a moment after the workload starts; cut it off within its hold.
	latest := min(workloadStart+hold-time.Second, sc.Duration.D()-time.Second)
	at := workloadStart + time.Second
	if latest > at {
		at += time.Duration(rapid.IntRange(0, int((latest-at)/(100*time.Millisecond))).Draw(t, "cut_lock_holder_at_100ms")) * 100 * time.Millisecond
	}
	length := min(time.Duration(rapid.IntRange(80, 200).Draw(t, "cut_lock_holder_100ms"))*100*time.Millisecond, sc.Duration.D()-at)
	f := scenarios.Fault{
		Name:    fmt.Sprintf("%s-%d", KindCutLockHolder, len(faultGroups(sc.Faults))+1),
		At:      scenarios.Duration(at),
		For:     scenarios.Duration(length),
		Isolate: sc.LockAgents()[0],
	}
	trial := *sc
	trial.Faults = append(slices.Clone(sc.Faults), f)
	if trial.Validate() == nil {
		sc.Faults = trial.Faults
	}
}
