package gen

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
)

// packages draw the fault combinations that single faults drawn independently almost never
// line up into: each is the situation one class of consensus bug needs, and each is drawn
// (and shrunk away) as one fault of the list. Their parts are named KIND-N-a, KIND-N-b...
var packages = map[string]func(*rapid.T, *scenarios.Scenario) []scenarios.Fault{
	KindStalledLeaderCut:        drawStalledLeaderCut,
	KindCrashMajority:           drawCrashMajority,
	KindSlowFollowerCrashLeader: drawSlowFollowerCrashLeader,
	KindSlowDisksPowerCut:       drawSlowDisksPowerCut,
}

// drawStalledLeaderCut stalls the leader's disk and, a little later, cuts it off from the
// other servers for less than the stall: its raft loop, stuck in an fsync, does not notice
// it lost its lease while the others elect a new leader (lease-window's situation). A read
// the old leader answers without a quorum round trip is then stale. The cut lasts 3 s or
// more where the run has room: the followers need 1 to 2 s (raft's heartbeat timeout) to
// notice and about as long again to elect, so a shorter cut heals before anyone else
// leads, and the situation never arises (half of the cuts drawn from 0.5 s were shorter
// than 2 s: rapid favours small values).
func drawStalledLeaderCut(t *rapid.T, sc *scenarios.Scenario) []scenarios.Fault {
	at := drawTime(t, sc, "at", workloadStart)
	room := steps(sc.Duration - at) // at least 10: drawTime leaves a second
	lag := rapid.IntRange(1, min(20, room-6)).Draw(t, "lag_100ms")
	longest := min(100, room-lag-1)
	cut := rapid.IntRange(min(30, longest), longest).Draw(t, "cut_100ms")
	return []scenarios.Fault{
		{At: at, For: step(lag + cut), Disk: &scenarios.DiskFault{Node: scenarios.TargetLeader, WriteLatency: step(lag + cut)}},
		{At: at + step(lag), For: step(cut), Partition: &scenarios.Partition{Groups: [][]string{{scenarios.TargetLeader}, {scenarios.SetFollowers}}}},
	}
}

// drawCrashMajority crashes all of the servers, or all but a few down to a bare majority,
// at one instant (a power cut), and restarts them together: a write acknowledged but held
// only in memory or in a disk cache (a lying fsync) is then gone from every copy that
// held it. It shrinks toward all: a survivor that kept the write would hand it back.
func drawCrashMajority(t *rapid.T, sc *scenarios.Scenario) []scenarios.Fault {
	at := drawTime(t, sc, "at", workloadStart)
	n := sc.Cluster.Servers
	k := n - rapid.IntRange(0, n-(n/2+1)).Draw(t, "spared_servers")
	first := rapid.IntRange(0, n-1).Draw(t, "first_server")
	length := drawLength(t, sc, at)
	var out []scenarios.Fault
	for i := range k {
		out = append(out, scenarios.Fault{At: at, For: length, Crash: fmt.Sprintf("server-%d", (first+i)%n+1)})
	}
	return out
}

// drawSlowFollowerCrashLeader slows one follower's disk, then crashes the leader. Every
// quorum left then needs that slow disk in a three-server cluster (two survivors, both
// needed), so the new leader takes seconds to commit the entry of its term (its barrier),
// and until then its state machine may lack writes the old leader acknowledged: a read it
// answers without waiting for its barrier is stale.
func drawSlowFollowerCrashLeader(t *rapid.T, sc *scenarios.Scenario) []scenarios.Fault {
	at := drawTime(t, sc, "at", workloadStart)
	room := steps(sc.Duration - at) // at least 10: drawTime leaves a second
	slow := step(rapid.IntRange(1, 30).Draw(t, "write_100ms"))
	lag := rapid.IntRange(1, min(30, room-6)).Draw(t, "lag_100ms")
	down := rapid.IntRange(5, min(100, room-lag-1)).Draw(t, "crash_100ms")
	return []scenarios.Fault{
		{At: at, For: step(lag + down), Disk: &scenarios.DiskFault{Node: scenarios.TargetFollower, WriteLatency: slow}},
		{At: at + step(lag), For: step(down), Crash: scenarios.TargetLeader},
	}
}

// drawSlowDisksPowerCut slows every server's disk (200 ms to 1 s a write) and, at least
// one write's latency later, while the workload runs, cuts the power of every server at
// one instant; they restart together. Every write a server acknowledged in the last
// latency before the cut was then in flight on every disk at once. An honest disk has not
// acknowledged it yet, so nothing acknowledged is lost; a disk that acknowledges before
// the write is durable (a lying fsync) loses it from every copy. crash-majority is the
// same power cut under the run's own fsync latency (0 to 50 ms), which holds a write in
// flight on every server too seldom for a hunt to find that bug within 100 checks.
func drawSlowDisksPowerCut(t *rapid.T, sc *scenarios.Scenario) []scenarios.Fault {
	at := drawTime(t, sc, "at", workloadStart)
	room := steps(sc.Duration - at) // at least 10: drawTime leaves a second
	slow := rapid.IntRange(2, min(10, room-5)).Draw(t, "write_100ms")
	lag := rapid.IntRange(slow, min(slow+20, room-5)).Draw(t, "lag_100ms")
	down := rapid.IntRange(5, min(100, room-lag)).Draw(t, "crash_100ms")
	n := sc.Cluster.Servers
	out := make([]scenarios.Fault, 0, 2*n)
	for i := 1; i <= n; i++ {
		out = append(out, scenarios.Fault{At: at, For: step(lag),
			Disk: &scenarios.DiskFault{Node: fmt.Sprintf("server-%d", i), WriteLatency: step(slow)}})
	}
	for i := 1; i <= n; i++ {
		out = append(out, scenarios.Fault{At: at + step(lag), For: step(down), Crash: fmt.Sprintf("server-%d", i)})
	}
	return out
}

// steps is d in steps of 100ms, the generator's grain for times.
func steps(d scenarios.Duration) int { return int(d.D() / (100 * time.Millisecond)) }

// step is n steps of 100ms.
func step(n int) scenarios.Duration {
	return scenarios.Duration(time.Duration(n) * 100 * time.Millisecond)
}

// drawLength draws how long a fault starting at at lasts: half a second to ten, inside
// the run.
func drawLength(t *rapid.T, sc *scenarios.Scenario, at scenarios.Duration) scenarios.Duration {
	return step(rapid.IntRange(5, min(100, steps(sc.Duration-at))).Draw(t, "for_100ms"))
}
