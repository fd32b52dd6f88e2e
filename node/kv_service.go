package node

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/consim/consim/node/kv"
)

// kvService answers KV reads and writes for an agent: a server from its own store or
// through its leader, a client agent through a server. The HTTP API talks only to this.
type kvService interface {
	read(ctx context.Context, req ReadRequest) (ReadReply, error)
	apply(ctx context.Context, req kv.Request) (ApplyReply, error)
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
)

// ReadRequest is one KV read, as forwarded between agents.
type ReadRequest struct {
	Op        string       `json:"op"`
	Key       string       `json:"key"`
	Separator string       `json:"separator,omitempty"`
	Options   QueryOptions `json:"options"`
}

// ReadReply is a read's answer.
type ReadReply struct {
	Entries []*kv.Entry `json:"entries,omitempty"`
	Keys    []string    `json:"keys,omitempty"`
	Meta    QueryMeta   `json:"meta"`
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
