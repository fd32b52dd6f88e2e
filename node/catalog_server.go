package node

import (
	"context"
	"fmt"

	"github.com/consim/consim/node/catalog"
)

// The catalog on a server: reads go through the same path as KV reads (read modes,
// forwarding, blocking: kv_server.go), writes through raft on the leader.

// isCatalogRead says whether op reads the catalog rather than the KV store.
func isCatalogRead(op string) bool {
	switch op {
	case ReadCatalogNodes, ReadCatalogServices, ReadCatalogService, ReadCatalogNode,
		ReadHealthService, ReadHealthChecks, ReadHealthNode, ReadHealthState:
		return true
	}
	return false
}

func (s *serverKV) catalog() *catalog.Store { return s.srv.fsm.catalog }

// watch returns the channel the next change relevant to req closes.
func (s *serverKV) watch(req ReadRequest) <-chan struct{} {
	if isCatalogRead(req.Op) {
		return s.catalog().Watch()
	}
	if isSessionRead(req.Op) {
		return s.srv.fsm.sessions.Watch()
	}
	return s.store().Watch(req.Key)
}

// catalogQuery reads the local catalog; query stamps the leader fields.
func (s *serverKV) catalogQuery(req ReadRequest) ReadReply {
	var r ReadReply
	cat := s.catalog()
	switch req.Op {
	case ReadCatalogNodes:
		r.Nodes, r.Meta.Index = cat.Nodes()
	case ReadCatalogServices:
		r.Services, r.Meta.Index = cat.Services()
	case ReadCatalogService:
		r.Instances, r.Meta.Index = cat.ServiceInstances(req.Key, req.Tag, false)
	case ReadHealthService:
		r.Instances, r.Meta.Index = cat.ServiceInstances(req.Key, req.Tag, true)
	case ReadCatalogNode:
		r.Node, r.NodeSvcs, r.Meta.Index = cat.NodeServices(req.Key)
		if r.Node != nil {
			// The node's checks too: anti-entropy compares them in the same read.
			r.Checks, _ = cat.Checks(func(c *catalog.Check) bool { return c.Node == req.Key })
		}
	case ReadHealthChecks:
		r.Checks, r.Meta.Index = cat.Checks(func(c *catalog.Check) bool { return c.ServiceName == req.Key })
	case ReadHealthNode:
		r.Checks, r.Meta.Index = cat.Checks(func(c *catalog.Check) bool { return c.Node == req.Key })
	case ReadHealthState:
		r.Checks, r.Meta.Index = cat.Checks(func(c *catalog.Check) bool { return req.Key == "any" || c.Status == req.Key })
	}
	return r
}

// applyCatalog commits a catalog write through raft on the leader, forwarding it there
// from a follower.
func (s *serverKV) applyCatalog(ctx context.Context, req catalog.Request) (ApplyReply, error) {
	if err := req.Validate(); err != nil {
		return ApplyReply{}, err
	}
	if !s.isLeader() {
		var reply ApplyReply
		err := s.forward(ctx, "Catalog.Apply", req, &reply, func() (err error) {
			reply, err = s.applyCatalogLocal(req)
			return err
		})
		return reply, err
	}
	return s.applyCatalogLocal(req)
}

func (s *serverKV) applyCatalogLocal(req catalog.Request) (ApplyReply, error) {
	return s.srv.applyCatalog(req)
}

// applyCatalog submits a catalog write to this server's raft, which must lead.
func (srv *server) applyCatalog(req catalog.Request) (ApplyReply, error) {
	f := srv.raft.Apply(encodeCatalog(req), enqueueLimit)
	if err := f.Error(); err != nil {
		return ApplyReply{}, err
	}
	res, ok := f.Response().(CatalogResult)
	if !ok {
		return ApplyReply{}, fmt.Errorf("unexpected FSM response %T", f.Response())
	}
	if res.Err != nil {
		return ApplyReply{}, res.Err
	}
	return ApplyReply{OK: true}, nil
}
