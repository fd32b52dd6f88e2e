package node

import "slices"

// Names of the planted bugs, as a scenario's `bugs:` list spells them. The scenarios
// package has the same names (scenarios.Bug*); a test keeps the two in step.
const (
	BugConsistentWithoutVerifyLeader = "consistent-without-verify-leader"
	BugConsistentBeforeBarrier       = "consistent-before-barrier"
	BugDefaultOnFollowers            = "default-on-followers"
	BugStaleAsConsistent             = "stale-as-consistent"
	BugEventsNotDeduplicated         = "events-not-deduplicated"
	BugNoLockDelay                   = "no-lock-delay"
	BugDNSIgnoresHealth              = "dns-ignores-health"
)

// Bugs are planted bugs: UNSAFE behaviours, all off in the zero value, each of which
// breaks one guarantee of the node on purpose, so that a scenario can show that the
// checkers catch it. Nothing but such a scenario (or a test) should set one. A bug shows
// only where its guarantee is needed (a deposed or newly elected leader, a follower that
// is behind, gossip that brings copies of an event): on a quiet, healthy cluster the
// answers stay right, which is what makes these bugs worth catching.
//
// The storage bug "fsync-lies" is not here: it lives in the disk the caller passes as
// Stores (diskmodel's SetFsyncLies), not in the node. ParseBugs hands it back.
type Bugs struct {
	// ConsistentWithoutVerifyLeader makes consistent reads skip raft's VerifyLeader, the
	// round trip to a quorum that proves this server still leads. Breaks: consistent
	// reads are linearizable. A leader that was deposed but has not noticed yet (cut
	// off, its lease widened by a pause or by late acknowledgements) answers consistent
	// reads from its own, stale state while the new leader commits writes.
	ConsistentWithoutVerifyLeader bool
	// ConsistentBeforeBarrier makes consistent reads skip waiting for the barrier a new
	// leader applies in its term (readyForConsistentReads). Breaks: consistent reads are
	// linearizable. A freshly elected leader may hold entries that the old leader
	// committed and acknowledged but that it has not applied yet (it learns they are
	// committed only once an entry of its own term commits); read before that, they are
	// missing.
	ConsistentBeforeBarrier bool
	// DefaultOnFollowers makes every server answer default-mode reads from its own state
	// instead of forwarding them to the leader, still labeled default. Breaks: default
	// reads are served by the leader, and so linearizable outside the leader-lease window.
	// A follower that is behind (cut off from the leader, or just lagging) returns values
	// the leader has already overwritten.
	DefaultOnFollowers bool
	// StaleAsConsistent makes every server answer consistent reads as stale ones, from
	// its own state with no check at all, still labeled consistent. Breaks: consistent
	// reads are linearizable. Any follower that is behind returns old values.
	StaleAsConsistent bool
	// EventsNotDeduplicated makes the gossip layer deliver a user event again every time a
	// copy of it arrives (gossip from several peers, push-pull), instead of once per
	// (origin, Lamport time, name). Breaks: a user event is delivered to each member
	// exactly once.
	EventsNotDeduplicated bool
	// NoLockDelay makes the leader ignore lock-delay: a key whose holder's session was
	// just invalidated can be locked again at once. Breaks: a lock holder cut off from
	// the servers (who still believes it holds the lock until it learns its session is
	// gone) is never overlapped by the next holder within the lock-delay.
	NoLockDelay bool
	// DNSIgnoresHealth makes the DNS interface answer with every instance of a service,
	// critical ones included, as the catalog lists them. Breaks: DNS sends clients only to
	// instances whose checks are not critical. An instance whose check failed, or whose
	// node gossip declared failed, keeps getting clients for as long as it is registered.
	DNSIgnoresHealth bool
}

// bugName ties a bug's name to its field.
type bugName struct {
	name string
	on   func(*Bugs) *bool
}

// bugNames are the node's bugs, in the order Names reports them.
var bugNames = []bugName{
	{BugConsistentWithoutVerifyLeader, func(b *Bugs) *bool { return &b.ConsistentWithoutVerifyLeader }},
	{BugConsistentBeforeBarrier, func(b *Bugs) *bool { return &b.ConsistentBeforeBarrier }},
	{BugDefaultOnFollowers, func(b *Bugs) *bool { return &b.DefaultOnFollowers }},
	{BugStaleAsConsistent, func(b *Bugs) *bool { return &b.StaleAsConsistent }},
	{BugEventsNotDeduplicated, func(b *Bugs) *bool { return &b.EventsNotDeduplicated }},
	{BugNoLockDelay, func(b *Bugs) *bool { return &b.NoLockDelay }},
	{BugDNSIgnoresHealth, func(b *Bugs) *bool { return &b.DNSIgnoresHealth }},
}

// BugNames lists the names of the bugs the node plants, in a fixed order.
func BugNames() []string {
	out := make([]string, len(bugNames))
	for i, b := range bugNames {
		out[i] = b.name
	}
	return out
}

// ParseBugs turns a scenario's bug names into Bugs. rest are the names the node does not
// plant, in their order: "fsync-lies" belongs to the disk, and anything else is for the
// caller to reject.
func ParseBugs(names []string) (b Bugs, rest []string) {
	for _, n := range names {
		i := slices.IndexFunc(bugNames, func(x bugName) bool { return x.name == n })
		if i < 0 {
			rest = append(rest, n)
			continue
		}
		*bugNames[i].on(&b) = true
	}
	return b, rest
}

// Names lists the bugs that are on, in BugNames order; nil for none.
func (b Bugs) Names() []string {
	var out []string
	for _, x := range bugNames {
		if *x.on(&b) {
			out = append(out, x.name)
		}
	}
	return out
}
