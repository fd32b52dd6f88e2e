package node

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/kv"
)

// errNoServers is Consul's answer when a client agent knows no server.
const errNoServers = "No known Consul servers"

// clientKV is a client agent's kvService: every request goes to one server it knows from
// gossip, picked at random per request, and that server applies the read-mode rules.
type clientKV struct {
	rpc     *rpcClient
	servers func() []string // RPC addresses of the servers this agent sees alive
}

var _ kvService = (*clientKV)(nil)

func (c *clientKV) call(ctx context.Context, method string, args, reply any) error {
	list := c.servers()
	if len(list) == 0 {
		return errors.New(errNoServers)
	}
	return c.rpc.call(ctx, list[rand.IntN(len(list))], method, args, reply)
}

func (c *clientKV) read(ctx context.Context, req ReadRequest) (ReadReply, error) {
	var reply ReadReply
	return reply, c.call(ctx, readMethod(req), req, &reply)
}

func (c *clientKV) apply(ctx context.Context, req kv.Request) (ApplyReply, error) {
	if err := req.Validate(); err != nil {
		return ApplyReply{}, err
	}
	var reply ApplyReply
	return reply, c.call(ctx, "KVS.Apply", req, &reply)
}

func (c *clientKV) applyCatalog(ctx context.Context, req catalog.Request) (ApplyReply, error) {
	if err := req.Validate(); err != nil {
		return ApplyReply{}, err
	}
	var reply ApplyReply
	return reply, c.call(ctx, "Catalog.Apply", req, &reply)
}

func (c *clientKV) applySession(ctx context.Context, req SessionRequest) (SessionReply, error) {
	var reply SessionReply
	return reply, c.call(ctx, "Session.Apply", req, &reply)
}

func (c *clientKV) statusLeader(ctx context.Context) (string, error) {
	var leader string
	return leader, c.call(ctx, "Status.Leader", struct{}{}, &leader)
}

func (c *clientKV) statusPeers(ctx context.Context) ([]string, error) {
	var peers []string
	return peers, c.call(ctx, "Status.Peers", struct{}{}, &peers)
}

func (c *clientKV) removePeer(ctx context.Context, req RemovePeerRequest) error {
	return c.call(ctx, "Operator.RaftRemovePeer", req, &struct{}{})
}
