package node

import (
	"context"
	"fmt"
	"net/http"
)

// Failed servers leave raft's configuration only when an operator removes them, as with
// Consul's `consul operator raft remove-peer`: consim has no autopilot, and a server that
// fails stays a voter (counting against the quorum) until then.

// removePeer removes a voter on the leader, forwarding there from a follower.
func (s *serverKV) removePeer(ctx context.Context, req RemovePeerRequest) error {
	if !s.isLeader() {
		return s.forward(ctx, "Operator.RaftRemovePeer", req, &struct{}{}, func() error { return s.removePeerLocal(req) })
	}
	return s.removePeerLocal(req)
}

func (s *serverKV) removePeerLocal(req RemovePeerRequest) error {
	f := s.srv.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return err
	}
	for _, srv := range f.Configuration().Servers {
		if (req.ID != "" && string(srv.ID) == req.ID) || (req.Address != "" && string(srv.Address) == req.Address) {
			return s.srv.raft.RemoveServer(srv.ID, 0, enqueueLimit).Error()
		}
	}
	if req.ID != "" {
		return fmt.Errorf("id %q was not found in the Raft configuration", req.ID)
	}
	return fmt.Errorf("address %q was not found in the Raft configuration", req.Address)
}

// operatorRaftPeer serves DELETE /v1/operator/raft/peer?id=… or ?address=….
func operatorRaftPeer(svc kvService) apiHandler {
	return func(_ http.ResponseWriter, r *http.Request) (any, error) {
		q := r.URL.Query()
		req := RemovePeerRequest{ID: q.Get("id"), Address: q.Get("address")}
		if (req.ID == "") == (req.Address == "") {
			return nil, badRequest("Must specify either ?id with the server's ID or ?address with IP:port of peer to remove")
		}
		return nil, svc.removePeer(r.Context(), req)
	}
}
