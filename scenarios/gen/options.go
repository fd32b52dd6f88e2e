package gen

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/consim/consim/scenarios"
)

// Options restrict what the generator draws. The zero value draws from everything.
type Options struct {
	// Bugs are planted in every generated scenario (scenarios.Bugs).
	Bugs []string
	// Kinds are the fault kinds to draw from (Kinds); nil means all of them.
	Kinds []string
	// MinServers and MaxServers bound the servers; zero means 3 and 7.
	MinServers, MaxServers int
	// MaxClients bounds the client agents; zero means 5, negative means none.
	MaxClients int
	// MaxFaults bounds the faults section; zero means 4, negative means none.
	MaxFaults int
	// MaxDuration bounds the run; zero means 40s. Runs last at least MinDuration.
	MaxDuration time.Duration
}

// MinDuration is the shortest run the generator draws: long enough for a leader, a
// workload and a fault.
const MinDuration = 10 * time.Second

// Fault kinds the generator draws, simplest first: shrinking moves toward the start.
const (
	KindIsolate        = "isolate"
	KindIsolateLeader  = "isolate-leader"
	KindCrash          = "crash"
	KindPause          = "pause"
	KindPartition      = "partition"
	KindSplit          = "split"
	KindOneWay         = "one-way"
	KindLink           = "link"
	KindDisk           = "disk"
	KindPacketsBlocked = "packets-blocked"
	KindStreamsBlocked = "streams-blocked"
	KindBridge         = "bridge"
	KindRing           = "ring"
	KindNICDown        = "nic-down"
	KindNICFlap        = "nic-flap"

	// Packages: several faults drawn as one, which only together make the situation a
	// class of bug needs (packages.go). Shrinking removes a package whole.
	KindStalledLeaderCut        = "stalled-leader-cut"
	KindCrashMajority           = "crash-majority"
	KindSlowFollowerCrashLeader = "slow-follower-crash-leader"
	KindSlowDisksPowerCut       = "slow-disks-power-cut"
	// KindCutLockHolder is drawn with lock clients only (drawLocks), not with the other
	// faults: it cuts off the agent of the lock client that takes the lock first.
	KindCutLockHolder = "cut-lock-holder"
)

// Kinds are every fault kind the generator draws, in its order (simplest first).
var Kinds = []string{
	KindIsolate, KindIsolateLeader, KindCrash, KindPause, KindPartition, KindSplit,
	KindOneWay, KindLink, KindDisk, KindPacketsBlocked, KindStreamsBlocked, KindBridge,
	KindRing, KindNICDown, KindNICFlap,
	KindStalledLeaderCut, KindCrashMajority, KindSlowFollowerCrashLeader, KindSlowDisksPowerCut,
	KindCutLockHolder,
}

// OptionError is what Check finds wrong with one field of Options, which it names.
type OptionError struct {
	// Field is the Options field: Bugs, Kinds, Servers (MinServers and MaxServers),
	// MaxClients or MaxDuration.
	Field string
	Err   error
}

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// Check says what is wrong with o, in words a flag's user reads, as an *OptionError; or
// nil.
func (o Options) Check() error {
	bad := func(field, format string, args ...any) error {
		return &OptionError{Field: field, Err: fmt.Errorf(format, args...)}
	}
	for _, b := range o.Bugs {
		if !slices.Contains(scenarios.Bugs, b) {
			return bad("Bugs", "unknown bug %q: want one of %s", b, strings.Join(scenarios.Bugs, ", "))
		}
	}
	for _, k := range o.Kinds {
		if !slices.Contains(Kinds, k) {
			return bad("Kinds", "unknown fault kind %q: want one of %s", k, strings.Join(Kinds, ", "))
		}
	}
	lo, hi := o.servers()
	if lo < 1 || hi > scenarios.MaxServers || lo > hi {
		return bad("Servers", "servers %d to %d: want 1 <= min <= max <= %d", lo, hi, scenarios.MaxServers)
	}
	if o.MaxClients > scenarios.MaxClients {
		return bad("MaxClients", "max clients %d: at most %d", o.MaxClients, scenarios.MaxClients)
	}
	if d := o.maxDuration(); d < MinDuration || d > scenarios.MaxDuration.D() {
		return bad("MaxDuration", "max duration %s: want %s to %s", d, MinDuration, scenarios.MaxDuration)
	}
	return nil
}

func (o Options) servers() (int, int) {
	lo, hi := o.MinServers, o.MaxServers
	switch {
	case lo == 0 && hi == 0:
		lo, hi = 3, 7
	case lo == 0:
		lo = min(3, hi)
	case hi == 0:
		hi = max(7, lo)
	}
	return lo, hi
}

func (o Options) maxClients() int { return bound(o.MaxClients, 5) }

func (o Options) maxFaults() int { return bound(o.MaxFaults, 4) }

// bound reads a "max" option: zero means def, negative means none.
func bound(v, def int) int {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

func (o Options) maxDuration() time.Duration {
	if o.MaxDuration == 0 {
		return 40 * time.Second
	}
	return o.MaxDuration
}

func (o Options) kinds() []string {
	if len(o.Kinds) == 0 {
		return Kinds
	}
	// In the generator's order, whatever the order given: shrinking stays toward simple.
	var out []string
	for _, k := range Kinds {
		if slices.Contains(o.Kinds, k) {
			out = append(out, k)
		}
	}
	return out
}
