package event

// Workload event types: each request of a workload client is an op_call when it is made
// and an op_return when its answer (or its failure) is known. A request still in flight
// when the run ends has no op_return: its outcome is unknown. docs/events.md describes
// their fields.
const (
	// OpCall is a workload request being made.
	OpCall Type = "op_call"
	// OpReturn is a workload request's outcome.
	OpReturn Type = "op_return"
)

// Workload operations (the op field).
const (
	OpGet    = "get"
	OpPut    = "put"
	OpCAS    = "cas"
	OpDelete = "delete"
)

// Ops lists the workload operations in the order reports use.
var Ops = []string{OpGet, OpPut, OpCAS, OpDelete}

// Outcomes of a workload request (op_return's status).
const (
	// StatusOK: the request succeeded; a write took effect, a read saw what it reports.
	StatusOK = "ok"
	// StatusFail: the request definitely had no effect (a cas that did not match, a 4xx).
	StatusFail = "fail"
	// StatusUnknown: no answer that says what happened (timeout, connection error, 5xx);
	// a write may or may not have taken effect.
	StatusUnknown = "unknown"
)

// Roles of the agent a request went to, as the world saw it when the request was made
// (the via_role field).
const (
	ViaRoleLeader    = "leader"
	ViaRoleFollower  = "follower"
	ViaRoleCandidate = "candidate"
	ViaRoleClient    = "client"
	ViaRoleDown      = "down"
)

// ViaRoles lists the roles in the order reports use.
var ViaRoles = []string{ViaRoleLeader, ViaRoleFollower, ViaRoleCandidate, ViaRoleClient, ViaRoleDown}

// FinalClient is the workload client that makes the final reads after the liveness phase:
// one consistent read of every workload key through the leader (docs/events.md).
const FinalClient = "final"
