package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/kv"
)

// enqueueLimit bounds how long a write waits to enter raft, as Consul's.
const enqueueLimit = 30 * time.Second

// serverKV is a server's kvService: reads from its own store in the modes that allow it,
// everything else through the leader, as Consul's servers do.
type serverKV struct {
	self    raft.ServerID
	srv     *server
	rpc     *rpcClient
	rpcPort int
	bugs    Bugs // planted bugs (bugs.go); the zero value is the correct server
}

var _ kvService = (*serverKV)(nil)

func (s *serverKV) store() *kv.Store { return s.srv.fsm.Store() }

func (s *serverKV) isLeader() bool { return s.srv.raft.State() == raft.Leader }

// read serves req here if its mode allows (stale anywhere, the others on the leader) and
// forwards it to the leader otherwise. A stale read whose last contact with the leader is
// older than max_stale is re-run on the leader in default mode, as Consul does.
func (s *serverKV) read(ctx context.Context, req ReadRequest) (ReadReply, error) {
	if req.Options.Mode != ReadStale && !s.isLeader() && !s.servesHere(req.Options.Mode) {
		return s.forwardRead(ctx, req)
	}
	reply, err := s.blockingRead(ctx, req)
	if err == nil && req.Options.Mode == ReadStale && req.Options.MaxStale > 0 &&
		reply.Meta.LastContact > req.Options.MaxStale && !s.isLeader() {
		fwd := req
		fwd.Options.Mode, fwd.Options.MaxStale = ReadDefault, 0
		return s.forwardRead(ctx, fwd)
	}
	return reply, err
}

func (s *serverKV) forwardRead(ctx context.Context, req ReadRequest) (ReadReply, error) {
	var reply ReadReply
	err := s.forward(ctx, readMethod(req), req, &reply, func() (err error) {
		reply, err = s.blockingRead(ctx, req)
		return err
	})
	return reply, err
}

// blockingRead runs the read, and with a minimum index waits until the answer's index
// passes it or the wait (plus Consul's jitter) runs out.
func (s *serverKV) blockingRead(ctx context.Context, req ReadRequest) (ReadReply, error) {
	var timeout <-chan time.Time
	if req.Options.MinIndex > 0 {
		wait := req.Options.Wait
		if wait <= 0 {
			wait = defaultQueryTime
		}
		wait = min(wait, maxQueryTime)
		wait += randomStagger(wait / jitterFraction)
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	for {
		if req.Options.Mode == ReadConsistent && !s.bugs.StaleAsConsistent {
			if err := s.consistentRead(ctx); err != nil {
				return ReadReply{}, err
			}
		}
		// Watch before reading: a write between the two would otherwise be missed.
		changed := s.watch(req)
		reply := s.query(req)
		if req.Options.MinIndex == 0 || reply.Meta.Index > req.Options.MinIndex {
			return reply, nil
		}
		select {
		case <-changed:
		case <-timeout:
			return reply, nil
		case <-ctx.Done():
			return ReadReply{}, ctx.Err()
		}
	}
}

// query reads the local store and stamps the answer with this server's view of the
// leader.
func (s *serverKV) query(req ReadRequest) ReadReply {
	var reply ReadReply
	st := s.store()
	switch req.Op {
	case ReadCatalogNodes, ReadCatalogServices, ReadCatalogService, ReadCatalogNode,
		ReadHealthService, ReadHealthChecks, ReadHealthNode, ReadHealthState:
		reply = s.catalogQuery(req)
	case ReadSessionInfo, ReadSessionNode, ReadSessionList:
		reply = s.sessionQuery(req)
	case ReadList:
		reply.Entries, reply.Meta.Index = st.List(req.Key)
	case ReadKeys:
		reply.Keys, reply.Meta.Index = st.Keys(req.Key, req.Separator)
	default:
		var e *kv.Entry
		e, reply.Meta.Index = st.Get(req.Key)
		if e != nil {
			reply.Entries = []*kv.Entry{e}
		}
	}
	reply.Meta.Mode = req.Options.Mode
	if s.isLeader() {
		reply.Meta.KnownLeader = true
	} else {
		reply.Meta.KnownLeader = s.srv.raft.Leader() != ""
		reply.Meta.LastContact = time.Since(s.srv.raft.LastContact())
	}
	return reply
}

// servesHere says whether a planted bug makes a follower answer a read of mode from its
// own state instead of forwarding it.
func (s *serverKV) servesHere(mode ReadMode) bool {
	switch mode {
	case ReadDefault:
		return s.bugs.DefaultOnFollowers
	case ReadConsistent:
		return s.bugs.StaleAsConsistent
	}
	return false
}

// consistentRead checks that this server still leads (a round trip to a quorum) and has
// applied its barrier in this term, waiting up to rpcHoldTimeout for the barrier. Two
// planted bugs skip one check each.
func (s *serverKV) consistentRead(ctx context.Context) error {
	if !s.bugs.ConsistentWithoutVerifyLeader {
		if err := s.srv.verifyLeader(); err != nil {
			return err
		}
	}
	if s.bugs.ConsistentBeforeBarrier {
		return nil
	}
	deadline := time.Now().Add(rpcHoldTimeout)
	for !s.srv.readyForConsistentReads() {
		if !time.Now().Before(deadline) {
			return errors.New(errNotReadyForConsistent)
		}
		select {
		case <-time.After(randomStagger(rpcHoldTimeout / jitterFraction)):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// apply commits req through raft on the leader, forwarding it there from a follower.
func (s *serverKV) apply(ctx context.Context, req kv.Request) (ApplyReply, error) {
	if err := req.Validate(); err != nil {
		return ApplyReply{}, err
	}
	if !s.isLeader() {
		var reply ApplyReply
		err := s.forward(ctx, "KVS.Apply", req, &reply, func() (err error) {
			reply, err = s.applyLocal(req)
			return err
		})
		return reply, err
	}
	return s.applyLocal(req)
}

func (s *serverKV) applyLocal(req kv.Request) (ApplyReply, error) {
	if s.lockDelayed(req) {
		return ApplyReply{OK: false}, nil
	}
	f := s.srv.raft.Apply(kv.Encode(req), enqueueLimit)
	if err := f.Error(); err != nil {
		return ApplyReply{}, err
	}
	res, ok := f.Response().(kv.ApplyResult)
	if !ok {
		return ApplyReply{}, fmt.Errorf("unexpected FSM response %T", f.Response())
	}
	if res.Err != nil {
		return ApplyReply{}, res.Err
	}
	return ApplyReply{OK: res.OK}, nil
}

func (s *serverKV) statusLeader(context.Context) (string, error) {
	addr, _ := s.srv.raft.LeaderWithID()
	return string(addr), nil
}

func (s *serverKV) statusPeers(context.Context) ([]string, error) {
	f := s.srv.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, err
	}
	var peers []string
	for _, srv := range f.Configuration().Servers {
		if srv.Suffrage == raft.Voter {
			peers = append(peers, string(srv.Address))
		}
	}
	return peers, nil
}

// forward sends method to the current leader's RPC port, or runs local if this server
// has become the leader meanwhile. With no leader known it holds the request up to
// rpcHoldTimeout, retrying after a random stagger, and then answers Consul's
// "No cluster leader".
func (s *serverKV) forward(ctx context.Context, method string, args, reply any, local func() error) error {
	deadline := time.Now().Add(rpcHoldTimeout)
	for {
		addr, id := s.srv.raft.LeaderWithID()
		if id == s.self && s.isLeader() {
			return local()
		}
		if addr != "" && id != s.self {
			host, _, err := net.SplitHostPort(string(addr))
			if err != nil {
				return fmt.Errorf("leader address %q: %w", addr, err)
			}
			return s.rpc.call(ctx, net.JoinHostPort(host, strconv.Itoa(s.rpcPort)), method, args, reply)
		}
		if !time.Now().Before(deadline) {
			return errors.New(errNoLeader)
		}
		select {
		case <-time.After(randomStagger(rpcHoldTimeout / jitterFraction)):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
