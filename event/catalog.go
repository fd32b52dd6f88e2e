package event

// Catalog event types: the service catalog as agents and servers see it, what a checker
// of discovery needs (when an instance's check changed on its agent, when each server's
// catalog learned it, when anti-entropy synced). docs/events.md describes their fields.
const (
	// CheckStatus says a check of a service on Node got a new Status (or was registered,
	// with its initial status), with its Output.
	CheckStatus Type = "check_status"
	// CheckUpdate says a check action updated a TTL check on Node (Reason set if it could
	// not).
	CheckUpdate Type = "check_update"
	// CatalogApply says the state machine of server Node applied a catalog write at raft
	// Index: Op register or deregister, of Member's node, Service, Checks (check ID ->
	// status); Reason if the write was refused.
	CatalogApply Type = "catalog_apply"
	// AESync says Node's anti-entropy synced with the catalog: Full or only changes,
	// Synced what it pushed; Reason if it failed.
	AESync Type = "ae_sync"
	// Lookup is one discovery lookup of the discovery workload, written when its answer
	// (or its failure) is known: Client asked Via over Interface (dns or http) for
	// Service, in Mode, Took long, and was sent to Instances (node names, sorted); Status
	// ok, or unknown with Error (timeout, SERVFAIL, 5xx).
	Lookup Type = "lookup"
	// Registration says a register_service handler on Node (Handler) asked its own agent
	// to Op register or deregister Service, the instance of Member (at Addr, for a
	// register), and how the agent answered: Code, or Reason when it could not be asked;
	// Took long.
	Registration Type = "registration"
)

// CatalogTypes lists the catalog event types.
var CatalogTypes = []Type{CheckStatus, CheckUpdate, CatalogApply, AESync, Lookup, Registration}

// Interfaces of a lookup (the interface field).
const (
	InterfaceDNS  = "dns"
	InterfaceHTTP = "http"
)
