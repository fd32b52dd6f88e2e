// Package event defines the simulation's event stream: the JSON lines the guest writes
// and the host, the checkers and the reports read. It is shared by both sides and imports
// nothing heavy, so the guest stays small and the host can decode without the world.
//
// Every event carries virtual time only: no host paths, pointers or wall-clock values.
// docs/events.md documents each type and its fields.
package event

// Type names an event kind.
type Type string

// Event types. docs/events.md describes each one; keep the two in step.
const (
	// RunStart is the stream's header: the first line of every stream.
	RunStart Type = "run_start"
	// NodeUp says a node started (or restarted) and is serving.
	NodeUp Type = "node_up"
	// NodeDown says a node stopped.
	NodeDown Type = "node_down"
	// RaftState says a server's raft state changed (follower, candidate, leader, shutdown).
	RaftState Type = "raft_state"
	// RaftProgress reports a server's commit, applied and last log index, at most once a
	// second and only when they moved.
	RaftProgress Type = "raft_progress"
	// RaftConfig reports a server's raft configuration (its voters) when it changes.
	RaftConfig Type = "raft_config"
	// Member says how one node now sees one member (Node observes Member).
	Member Type = "member"
	// Tick is a periodic progress event with network counters.
	Tick Type = "tick"
	// Join says a node tried to join the gossip pool through Addr; Reason is set if it failed.
	Join Type = "join"
	// Log is a line from raft, memberlist or the node, present only with --trace.
	Log Type = "log"
	// RunEnd is the last line of a completed run.
	RunEnd Type = "run_end"
)

// Event is one line of the stream. Fields other than T and Type are set only by the event
// types that use them (see docs/events.md) and are omitted otherwise, so a line reads as
// what it says and jq filters stay simple.
type Event struct {
	// T is virtual time since the world started.
	T Time `json:"t"`
	// Type is the event kind.
	Type Type `json:"type"`
	// Node is the node that acted or observed.
	Node string `json:"node,omitempty"`

	// Run header (run_start).
	Scenario string `json:"scenario,omitempty"`
	Seed     uint64 `json:"seed,omitempty"`
	Build    string `json:"build,omitempty"`
	// Engine is "native" when the native engine made the stream; absent, the wasm engine.
	Engine   string   `json:"engine,omitempty"`
	Version  string   `json:"version,omitempty"`
	Servers  int      `json:"servers,omitempty"`
	Clients  int      `json:"clients,omitempty"`
	Duration Duration `json:"duration,omitempty"`
	// Bugs are the bugs planted in the nodes (scenario bugs:): a run of a node broken on
	// purpose.
	Bugs []string `json:"bugs,omitempty"`

	// Node lifecycle (node_up, node_down).
	Addr   string `json:"addr,omitempty"`
	Role   string `json:"role,omitempty"`
	Reason string `json:"reason,omitempty"`

	// Raft (raft_state, raft_progress, raft_config).
	State        string   `json:"state,omitempty"`
	Term         uint64   `json:"term,omitempty"`
	CommitIndex  uint64   `json:"commit_index,omitempty"`
	AppliedIndex uint64   `json:"applied_index,omitempty"`
	LastIndex    uint64   `json:"last_index,omitempty"`
	Voters       []string `json:"voters,omitempty"`

	// Membership (member): Node's view of Member.
	Member string `json:"member,omitempty"`
	Status string `json:"status,omitempty"`

	// Progress (tick, run_end).
	Alive   *int     `json:"alive,omitempty"`
	Leaders []string `json:"leaders,omitempty"`
	Net     *Net     `json:"net,omitempty"`

	// Trace (log): a raft, memberlist or node log line of Node.
	Text string `json:"text,omitempty"`

	// ---- Workload (op_call, op_return; see workload.go and docs/events.md) ----
	// One KV request of a workload client. op_return also sets Status (ok, fail, unknown).
	Client   string  `json:"client,omitempty"`    // workload client, "c1"
	OpID     string  `json:"op_id,omitempty"`     // unique in the run, "c1-17"
	Op       string  `json:"op,omitempty"`        // get, put, cas, delete
	Key      string  `json:"key,omitempty"`       // the key, "k3"
	Value    string  `json:"value,omitempty"`     // op_call: written (put, cas); op_return: read (get)
	CASIndex *uint64 `json:"cas_index,omitempty"` // cas: the ModifyIndex required (0: create-only)
	Mode     string  `json:"mode,omitempty"`      // get: default, consistent, stale
	Via      string  `json:"via,omitempty"`       // the agent the request went to; user_event: push-pull (ViaPushPull) or gossip (empty)
	ViaRole  string  `json:"via_role,omitempty"`  // its role then: leader, follower, candidate, client, down
	// Set on op_return when the agent answered.
	Code          int    `json:"code,omitempty"`            // HTTP status code
	Found         *bool  `json:"found,omitempty"`           // get: whether the key existed
	ModifyIndex   uint64 `json:"modify_index,omitempty"`    // get: the entry's ModifyIndex
	Index         uint64 `json:"index,omitempty"`           // X-Consul-Index
	KnownLeader   *bool  `json:"known_leader,omitempty"`    // X-Consul-KnownLeader
	LastContactMS *int64 `json:"last_contact_ms,omitempty"` // X-Consul-LastContact
	Consistency   string `json:"consistency,omitempty"`     // X-Consul-Effective-Consistency
	Error         string `json:"error,omitempty"`           // why it failed or is unknown

	// ---- Gossip (the Serf layer; see gossip.go and docs/events.md) ----
	// member_update, node_up, tags_set: a node's tags.
	Tags map[string]string `json:"tags,omitempty"`
	// user_event_fired, user_event, query*, handler: the user event's or query's name,
	// its origin and Lamport time.
	Name   string `json:"name,omitempty"`
	Origin string `json:"origin,omitempty"`
	LTime  uint64 `json:"ltime,omitempty"`
	// user_event_fired, query: name + payload bytes; query_response: the answer's bytes.
	Size     int     `json:"size,omitempty"`
	Coalesce bool    `json:"coalesce,omitempty"`
	Filter   *Filter `json:"filter,omitempty"`
	// user_event: delivered out of Lamport order, after waiting for a missing earlier
	// event of its origin (gap) or after a later one (late).
	Gap  bool `json:"gap,omitempty"`
	Late bool `json:"late,omitempty"`
	// query, query_*: the query's ID and timeout; query_end: what it collected.
	QueryID   uint32   `json:"query_id,omitempty"`
	Timeout   Duration `json:"timeout,omitempty"`
	Acks      *int     `json:"acks,omitempty"`
	Responses *int     `json:"responses,omitempty"`
	// handler: which handler ran, for which event ("member-join", "user:deploy"), and
	// the members of a member event.
	Handler   string   `json:"handler,omitempty"`
	EventName string   `json:"event,omitempty"`
	Members   []string `json:"members,omitempty"`
	// force_leave: whether the member was pruned.
	Prune bool `json:"prune,omitempty"`

	// ---- The service catalog (see catalog.go and docs/events.md) ----
	// check_status, check_update, catalog_apply: a check's ID, its service's ID and its
	// output.
	Check   string `json:"check,omitempty"`
	Service string `json:"service,omitempty"`
	Output  string `json:"output,omitempty"`
	// catalog_apply: the checks the write carried, ID -> status.
	Checks map[string]string `json:"checks,omitempty"`
	// ae_sync: a full sync (else only changes), and what it pushed.
	Full   bool     `json:"full,omitempty"`
	Synced []string `json:"synced,omitempty"`
	// lookup: how the client asked (dns, http), how long the answer took, and the nodes
	// of the instances it was sent to (Service names the service, Client, Via, ViaRole,
	// Mode, Status, Code, Index, KnownLeader, LastContactMS and Error as for op_return).
	Interface string   `json:"interface,omitempty"`
	Took      Duration `json:"took,omitempty"`
	Instances []string `json:"instances,omitempty"`
	// Rcode is a DNS lookup's response code (NOERROR, NXDOMAIN, SERVFAIL).
	Rcode string `json:"rcode,omitempty"`

	// ---- Sessions and locks (see lock.go and docs/events.md) ----
	// lock_*, fence_*, session_invalidate: the session, the lock's LockIndex, the keys
	// an invalidation released and the lock-delay they got (or, lock_delay, left).
	Session   string   `json:"session,omitempty"`
	LockIndex uint64   `json:"lock_index,omitempty"`
	Keys      []string `json:"keys,omitempty"`
	LockDelay Duration `json:"lock_delay,omitempty"`

	// ---- Faults and the liveness phase (see fault.go and docs/events.md) ----
	FaultFields
}

// Net is a snapshot of the virtual network's counters, as carried by tick and run_end
// (docs/events.md says what each means). Packet counters add up once nothing is in
// flight: PacketsSent + PacketsDuplicated == PacketsDelivered + PacketsDropped(). The
// fault counters at the end are omitted when zero.
type Net struct {
	PacketsSent              uint64 `json:"packets_sent"`
	PacketsDelivered         uint64 `json:"packets_delivered"`
	PacketsDroppedLoss       uint64 `json:"packets_dropped_loss"`
	PacketsDroppedBlocked    uint64 `json:"packets_dropped_blocked"`
	PacketsDroppedQueue      uint64 `json:"packets_dropped_queue"`
	PacketsDroppedInbox      uint64 `json:"packets_dropped_inbox"`
	PacketsDroppedNoListener uint64 `json:"packets_dropped_no_listener"`
	PacketsDroppedDown       uint64 `json:"packets_dropped_down"`
	PacketsDroppedNoRoute    uint64 `json:"packets_dropped_no_route"`
	StreamsOpened            uint64 `json:"streams_opened"`
	StreamsReset             uint64 `json:"streams_reset"`
	StreamBytes              uint64 `json:"stream_bytes"`
	StreamSegmentsHeld       uint64 `json:"stream_segments_held"`
	DialsStalled             uint64 `json:"dials_stalled"`
	DialsRefused             uint64 `json:"dials_refused"`
	DialsTimedOut            uint64 `json:"dials_timed_out"`

	PacketsDroppedNIC        uint64 `json:"packets_dropped_nic,omitempty"`
	PacketsDroppedImpaired   uint64 `json:"packets_dropped_impaired,omitempty"`
	PacketsDroppedPauseQueue uint64 `json:"packets_dropped_pause_queue,omitempty"`
	PacketsDuplicated        uint64 `json:"packets_duplicated,omitempty"`
	PacketsHeld              uint64 `json:"packets_held,omitempty"`
	PacketsDelayed           uint64 `json:"packets_delayed,omitempty"`
	PacketsReordered         uint64 `json:"packets_reordered,omitempty"`
	StreamSegmentsDelayed    uint64 `json:"stream_segments_delayed,omitempty"`
}

// PacketsDropped is the sum of all packet drop counters.
func (n Net) PacketsDropped() uint64 {
	return n.PacketsDroppedLoss + n.PacketsDroppedBlocked + n.PacketsDroppedQueue +
		n.PacketsDroppedInbox + n.PacketsDroppedNoListener + n.PacketsDroppedDown +
		n.PacketsDroppedNoRoute + n.PacketsDroppedNIC + n.PacketsDroppedImpaired +
		n.PacketsDroppedPauseQueue
}

// Member statuses as carried by member events.
const (
	StatusAlive   = "alive"
	StatusLeaving = "leaving"
	StatusFailed  = "failed"
	StatusLeft    = "left"
)

// Raft states as raft_state events carry them: raft's state names in lower case, as the
// node reports them.
const (
	RaftFollower  = "follower"
	RaftCandidate = "candidate"
	RaftLeader    = "leader"
	RaftShutdown  = "shutdown"
)

// Node roles as carried by node_up events.
const (
	RoleServer = "server"
	RoleClient = "client"
)
