package scenarios

import "time"

// Fault is one entry of the faults section: when it fires (At), how long it lasts (For),
// whether it repeats (Every, Until), and exactly one kind. Faults are the chaos a scenario
// injects; the world resolves their targets when they fire and records each firing as a
// fault_start and a fault_end event with what it did (docs/scenarios.md, "Faults").
//
// Target strings name one node: a node name (server-1, client-2, c1 for a workload
// client), or a dynamic target resolved when the fault fires: leader, follower,
// random-server, random-client, random-node. Target lists (groups, one_way) may also hold
// the sets servers, clients, followers and nodes.
type Fault struct {
	// Name identifies the fault in events, the summary and heal; default "<kind>-<index>"
	// (index in the faults section, from 1; the kind with '_' written '-', as in
	// "nic-flap-2"). It matches NamePattern, is unique, and is not "all".
	Name string `yaml:"name" json:"name,omitempty"`
	// At is when the fault first fires, from 0s to before the end of the run. Sequence
	// steps have no At: each starts when the one before it ends.
	At Duration `yaml:"at" json:"at,omitempty"`
	// For is how long each firing lasts; zero means until healed or the end of the run
	// (the liveness phase heals everything). A step of a sequence needs it.
	For Duration `yaml:"for" json:"for,omitempty"`
	// Every repeats the fault on this period, from At; it needs For, shorter than Every.
	Every Duration `yaml:"every" json:"every,omitempty"`
	// Until stops the repetitions: no firing starts at or after it (default: the end).
	Until Duration `yaml:"until" json:"until,omitempty"`
	// Proto limits a partition, isolate or one_way to one kind of traffic: all (default),
	// packets ("UDP blocked, TCP fine") or streams.
	Proto string `yaml:"proto" json:"proto,omitempty"`

	// Partition cuts the network into groups.
	Partition *Partition `yaml:"partition" json:"partition,omitempty"`
	// Isolate cuts one node off from every other host.
	Isolate string `yaml:"isolate" json:"isolate,omitempty"`
	// OneWay blocks traffic from some nodes to others, leaving the reverse direction open.
	OneWay *OneWay `yaml:"one_way" json:"one_way,omitempty"`
	// Heal ends a fault early: "all", or the name of a fault.
	Heal string `yaml:"heal" json:"heal,omitempty"`
	// Link changes links: latency, loss, duplication, reordering.
	Link *LinkFault `yaml:"link" json:"link,omitempty"`
	// NICDown takes one NIC of a node down.
	NICDown *NICFault `yaml:"nic_down" json:"nic_down,omitempty"`
	// NICFlap takes one NIC of a node down and up again, over and over.
	NICFlap *NICFlap `yaml:"nic_flap" json:"nic_flap,omitempty"`
	// Crash stops a node as a power loss would: no leave, its connections reset. With For,
	// the node restarts (a server on its disk) when the fault ends.
	Crash string `yaml:"crash" json:"crash,omitempty"`
	// Restart starts a crashed node again.
	Restart string `yaml:"restart" json:"restart,omitempty"`
	// Leave makes a node leave gracefully and stop.
	Leave string `yaml:"leave" json:"leave,omitempty"`
	// Pause holds every packet and stream segment to and from a node (not dropped) and
	// releases them when the fault ends: a stand-in for a long GC pause or SIGSTOP.
	Pause string `yaml:"pause" json:"pause,omitempty"`
	// Disk changes a server's fsync latency.
	Disk *DiskFault `yaml:"disk" json:"disk,omitempty"`
	// UnsafeFsyncLies makes a server's disk acknowledge writes it has not made durable:
	// a crash while it lies loses acknowledged writes. It breaks raft's assumptions on
	// purpose.
	UnsafeFsyncLies string `yaml:"unsafe_fsync_lies" json:"unsafe_fsync_lies,omitempty"`
	// Nemesis fires faults drawn at random (from the run seed) from a set of kinds.
	Nemesis *Nemesis `yaml:"nemesis" json:"nemesis,omitempty"`
	// Sequence runs faults one after the other, each starting when the one before ends.
	Sequence []Fault `yaml:"sequence" json:"sequence,omitempty"`
}

// Partition is one way of cutting the network; exactly one field is set. Traffic between
// groups is blocked in both directions; traffic within a group flows. Hosts that are in no
// group (workload clients, unless named) keep reaching everyone.
type Partition struct {
	// Groups are explicit groups of target lists.
	Groups [][]string `yaml:"groups" json:"groups,omitempty"`
	// Split cuts the servers into two sides chosen at random from the run seed, the
	// client agents joining a side at random: "majority" (a random majority and minority)
	// or "leader-minority" (the current leader ends up in the minority).
	Split string `yaml:"split" json:"split,omitempty"`
	// Bridge cuts the agents into two halves that only this node (a target) connects:
	// it sees both halves, each half sees only itself and the bridge.
	Bridge string `yaml:"bridge" json:"bridge,omitempty"`
	// Ring puts the agents on a ring in an order drawn from the run seed; each sees only
	// its two neighbours.
	Ring bool `yaml:"ring" json:"ring,omitempty"`
}

// Split values.
const (
	SplitMajority       = "majority"
	SplitLeaderMinority = "leader-minority"
)

// OneWay blocks traffic from every node of From to every node of To.
type OneWay struct {
	From []string `yaml:"from" json:"from"`
	To   []string `yaml:"to" json:"to"`
}

// LinkFault changes links while it lasts. Between names one link (both directions), Node
// every link to and from one node, From and To (target lists, both needed) every link in
// one direction from a node of From to a node of To; with none of them, every link
// changes. At least one of Latency, Loss, Duplicate, Reorder is set.
type LinkFault struct {
	Between []string `yaml:"between" json:"between,omitempty"`
	Node    string   `yaml:"node" json:"node,omitempty"`
	From    []string `yaml:"from" json:"from,omitempty"`
	To      []string `yaml:"to" json:"to,omitempty"`
	// Latency replaces the links' delay distribution (streams and packets).
	Latency *Latency `yaml:"latency" json:"latency,omitempty"`
	// Loss is the probability in [0, 1] that a packet is dropped.
	Loss float64 `yaml:"loss" json:"loss,omitempty"`
	// Duplicate is the probability in [0, 1] that a packet is delivered twice.
	Duplicate float64 `yaml:"duplicate" json:"duplicate,omitempty"`
	// Reorder is the probability in [0, 1] that a packet is held back by one extra delay
	// sample, so packets sent after it overtake it. Streams are never reordered.
	Reorder float64 `yaml:"reorder" json:"reorder,omitempty"`
}

// NICFault names one NIC of a node: eth0 (the primary, which carries every peer not
// routed over eth1) or eth1 (declared in network.nics).
type NICFault struct {
	Node string `yaml:"node" json:"node"`
	NIC  string `yaml:"nic" json:"nic"`
}

// NICFlap takes a NIC down and up in turn: each state lasts Period, plus or minus up to
// Jitter drawn from the run seed.
type NICFlap struct {
	Node   string   `yaml:"node" json:"node"`
	NIC    string   `yaml:"nic" json:"nic"`
	Period Duration `yaml:"period" json:"period"`
	Jitter Duration `yaml:"jitter" json:"jitter,omitempty"`
}

// NIC names.
const (
	NICPrimary   = "eth0"
	NICSecondary = "eth1"
)

// DiskFault sets a server's fsync latency while it lasts: 0s to MaxFaultWriteLatency, far
// beyond a healthy disk's, so that it can stall a server's raft loop.
type DiskFault struct {
	Node         string   `yaml:"node" json:"node"`
	WriteLatency Duration `yaml:"write_latency" json:"write_latency"`
}

// Nemesis fires faults, one at a time, drawn from Kinds: the gap before each and its
// length are drawn from exponential distributions with the given means, and its targets
// at random, all from the run seed. It runs from the fault's At for its For (default:
// to the end of the run).
type Nemesis struct {
	// Kinds to draw from: isolate, isolate-leader, split, bridge, ring, one-way,
	// packets-blocked, loss, slow, crash, pause, nic-flap.
	Kinds []string `yaml:"kinds" json:"kinds"`
	// Interval is the mean time between the end of one fault and the start of the next.
	Interval Duration `yaml:"interval" json:"interval"`
	// Duration is the mean length of one fault.
	Duration Duration `yaml:"duration" json:"duration"`
}

// NemesisKinds are the kinds a nemesis draws from.
var NemesisKinds = []string{
	"isolate", "isolate-leader", "split", "bridge", "ring", "one-way",
	"packets-blocked", "loss", "slow", "crash", "pause", "nic-flap",
}

// Proto values of a fault.
const (
	ProtoAll     = "all"
	ProtoPackets = "packets"
	ProtoStreams = "streams"
)

// Dynamic targets, resolved when a fault fires.
const (
	TargetLeader       = "leader"
	TargetFollower     = "follower"
	TargetRandomServer = "random-server"
	TargetRandomClient = "random-client"
	TargetRandomNode   = "random-node"
)

// DynamicTargets are the target names resolved when a fault fires.
var DynamicTargets = []string{TargetLeader, TargetFollower, TargetRandomServer, TargetRandomClient, TargetRandomNode}

// Node sets a target list may hold.
const (
	SetServers   = "servers"
	SetClients   = "clients"
	SetFollowers = "followers"
	SetNodes     = "nodes"
)

// NodeSets are the set names a target list may hold.
var NodeSets = []string{SetServers, SetClients, SetFollowers, SetNodes}

// NICs gives a node a second NIC (eth1, at 127.0.3.N for server-N and 127.0.4.N for
// client-N) and routes traffic between it and each of Routes over that NIC; every other
// peer is reached over eth0. A NIC that is down drops the packets routed over it and
// stalls the streams.
type NICs struct {
	Node   string   `yaml:"node" json:"node"`
	Routes []string `yaml:"routes" json:"routes"`
}

// DefaultLivenessTimeout bounds the liveness phase of a scenario that does not set one.
const DefaultLivenessTimeout = Duration(60 * time.Second)

// Liveness configures the liveness phase: after the scenario's duration every fault is
// healed (crashed nodes restart, paused ones resume, links and disks are restored) and
// the cluster runs until it converges (one leader, every running member seen alive by
// every running member) and every user event is delivered to every member owed it, or
// Timeout passes.
type Liveness struct {
	// Timeout bounds the phase in virtual time; default DefaultLivenessTimeout.
	Timeout Duration `yaml:"timeout" json:"timeout,omitempty"`
	// Skip leaves the phase out: the run ends at its duration.
	Skip bool `yaml:"skip" json:"skip,omitempty"`
}

// Planted bugs: node options, off by default, that each break one guarantee so a scenario
// can prove the checkers catch it. None is safe.
const (
	BugConsistentWithoutVerifyLeader = "consistent-without-verify-leader"
	BugConsistentBeforeBarrier       = "consistent-before-barrier"
	BugDefaultOnFollowers            = "default-on-followers"
	BugStaleAsConsistent             = "stale-as-consistent"
	BugFsyncLies                     = "fsync-lies"
	BugEventsNotDeduplicated         = "events-not-deduplicated"
	BugNoLockDelay                   = "no-lock-delay"
	BugDNSIgnoresHealth              = "dns-ignores-health"
)

// Bugs are the planted bugs a scenario may enable.
var Bugs = []string{
	BugConsistentWithoutVerifyLeader, BugConsistentBeforeBarrier, BugDefaultOnFollowers,
	BugStaleAsConsistent, BugFsyncLies, BugEventsNotDeduplicated, BugNoLockDelay, BugDNSIgnoresHealth,
}
