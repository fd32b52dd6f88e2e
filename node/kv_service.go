package node

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/kv"
	"github.com/consim/consim/node/session"
)

// kvService answers KV and catalog reads and writes for an agent: a server from its own store or
// through its leader, a client agent through a server. The HTTP API talks only to this.
type kvService interface {
	read(ctx context.Context, req ReadRequest) (ReadReply, error)
	apply(ctx context.Context, req kv.Request) (ApplyReply, error)
	applyCatalog(ctx context.Context, req catalog.Request) (ApplyReply, error)
	applySession(ctx context.Context, req SessionRequest) (SessionReply, error)
	statusLeader(ctx context.Context) (string, error)
	statusPeers(ctx context.Context) ([]string, error)
	removePeer(ctx context.Context, req RemovePeerRequest) error
}

// RemovePeerRequest names a raft voter to remove, by ID or by address.
type RemovePeerRequest struct {
	ID      string `json:"id,omitempty"`
	Address string `json:"address,omitempty"`
}

// Read operations.
const (
	ReadGet  = "get"  // one key
	ReadList = "list" // every key under a prefix (?recurse)
	ReadKeys = "keys" // key names under a prefix, up to a separator (?keys)
	// The catalog's reads (catalog_read.go); Key names the service, node or state.
	ReadCatalogNodes    = "catalog-nodes"
	ReadCatalogServices = "catalog-services"
	ReadCatalogService  = "catalog-service"
	ReadCatalogNode     = "catalog-node"
	ReadHealthService   = "health-service"
	ReadHealthChecks    = "health-checks"
	ReadHealthNode      = "health-node"
	ReadHealthState     = "health-state"
	// The session reads (session_read.go); Key names the session or the node.
	ReadSessionInfo = "session-info"
	ReadSessionNode = "session-node"
	ReadSessionList = "session-list"
)

// ReadRequest is one KV or catalog read, as forwarded between agents.
type ReadRequest struct {
	Op        string       `json:"op"`
	Key       string       `json:"key"`
	Separator string       `json:"separator,omitempty"`
	Tag       string       `json:"tag,omitempty"` // catalog-service, health-service: only instances with it
	Options   QueryOptions `json:"options"`
}

// ReadReply is a read's answer.
type ReadReply struct {
	Entries []*kv.Entry `json:"entries,omitempty"`
	Keys    []string    `json:"keys,omitempty"`
	// Catalog reads (catalog_read.go).
	Nodes     []catalog.Node      `json:"nodes,omitempty"`
	Services  map[string][]string `json:"services,omitempty"`
	Instances []catalog.Instance  `json:"instances,omitempty"`
	Checks    []catalog.Check     `json:"checks,omitempty"`
	Node      *catalog.Node       `json:"node,omitempty"`
	NodeSvcs  []catalog.Service   `json:"node_services,omitempty"`
	Sessions  []session.Session   `json:"sessions,omitempty"`
	Meta      QueryMeta           `json:"meta"`
}

// readMethod is the RPC method that serves req.
func readMethod(req ReadRequest) string {
	if isCatalogRead(req.Op) {
		return "Catalog.Read"
	}
	if isSessionRead(req.Op) {
		return "Session.Read"
	}
	return "KVS.Read"
}

// ApplyReply is a write's answer: false only for a check-and-set that did not match.
type ApplyReply struct {
	OK bool `json:"ok"`
}

// Consul's timing for requests that find no leader: hold them up to RPCHoldTimeout,
// retrying after a random stagger of a sixteenth of it, before "No cluster leader".
const rpcHoldTimeout = 7 * time.Second

// randomStagger returns a random duration in [0, d), as Consul's lib.RandomStagger. Inside
// the simulation the global source is seeded from the run seed.
func randomStagger(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d)))
}

// rpcHandlers are the methods a server serves to other agents.
func rpcHandlers(svc kvService) map[string]rpcHandler {
	return map[string]rpcHandler{
		"KVS.Read": func(ctx context.Context, args json.RawMessage) (any, error) {
			var req ReadRequest
			if err := json.Unmarshal(args, &req); err != nil {
				return nil, err
			}
			return svc.read(ctx, req)
		},
		"Catalog.Read": func(ctx context.Context, args json.RawMessage) (any, error) {
			var req ReadRequest
			if err := json.Unmarshal(args, &req); err != nil {
				return nil, err
			}
			return svc.read(ctx, req)
		},
		"Catalog.Apply": func(ctx context.Context, args json.RawMessage) (any, error) {
			var req catalog.Request
			if err := json.Unmarshal(args, &req); err != nil {
				return nil, err
			}
			return svc.applyCatalog(ctx, req)
		},
		"Session.Read": func(ctx context.Context, args json.RawMessage) (any, error) {
			var req ReadRequest
			if err := json.Unmarshal(args, &req); err != nil {
				return nil, err
			}
			return svc.read(ctx, req)
		},
		"Session.Apply": func(ctx context.Context, args json.RawMessage) (any, error) {
			var req SessionRequest
			if err := json.Unmarshal(args, &req); err != nil {
				return nil, err
			}
			return svc.applySession(ctx, req)
		},
		"KVS.Apply": func(ctx context.Context, args json.RawMessage) (any, error) {
			var req kv.Request
			if err := json.Unmarshal(args, &req); err != nil {
				return nil, err
			}
			return svc.apply(ctx, req)
		},
		"Status.Leader": func(ctx context.Context, _ json.RawMessage) (any, error) {
			return svc.statusLeader(ctx)
		},
		"Status.Peers": func(ctx context.Context, _ json.RawMessage) (any, error) {
			return svc.statusPeers(ctx)
		},
		"Operator.RaftRemovePeer": func(ctx context.Context, args json.RawMessage) (any, error) {
			var req RemovePeerRequest
			if err := json.Unmarshal(args, &req); err != nil {
				return nil, err
			}
			return struct{}{}, svc.removePeer(ctx, req)
		},
	}
}
