package netmodel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// RaftTransport is a raft.Transport that hands raft's RPCs over the simulated network as
// messages (Conn.WriteMsg): each request and response is one value on a stream of the
// RaftLayer, so it is delayed, held by partitions, one-way blocks, NIC faults and pauses,
// and lost with a crash exactly as the bytes of raft's NetworkTransport would be, but
// nothing is encoded. It is opt-in (scenario network.raft_transport: fast); the default
// stays raft's own NetworkTransport over RaftLayer.
//
// What it stops exercising, on purpose: msgpack encoding and decoding of every RPC and
// its bufio framing; NetworkTransport's own connection pool (this one keeps up to
// maxPool idle streams per target too, but it is this code, not raft's); the streaming of
// a snapshot in chunks (the snapshot is read whole and sent as one message, with the same
// size-scaled deadline); pipelined replication (AppendEntriesPipeline is not offered, as
// consim already runs NetworkTransport with MaxRPCsInFlight 1). What it keeps: one
// request in flight per stream, the per-RPC deadline (timeout), the heartbeat fast path,
// errors returned as their text, pre-vote. Requests are deep-copied where raft could
// share memory between the two servers (log entries), as decoding would have.
type RaftTransport struct {
	layer   *RaftLayer
	timeout time.Duration

	consumeCh  chan raft.RPC
	shutdownCh chan struct{}
	shutdown   sync.Once

	mu          sync.Mutex
	heartbeatFn func(raft.RPC)
	pool        map[raft.ServerAddress][]*Conn
}

var (
	_ raft.Transport   = (*RaftTransport)(nil)
	_ raft.WithClose   = (*RaftTransport)(nil)
	_ raft.WithPreVote = (*RaftTransport)(nil)
)

// maxPool is how many idle streams to one target are kept (NetworkTransport's MaxPool
// as consim configures it).
const maxPool = 3

// snapshotTimeoutScale is NetworkTransport's TimeoutScale: a snapshot's deadline grows by
// timeout for every 256 KiB.
const snapshotTimeoutScale = 256 << 10

// NewRaftTransport serves and sends raft RPCs over layer; timeout bounds each RPC (0: no
// bound), as NetworkTransportConfig.Timeout.
func NewRaftTransport(layer *RaftLayer, timeout time.Duration) *RaftTransport {
	t := &RaftTransport{layer: layer, timeout: timeout, consumeCh: make(chan raft.RPC),
		shutdownCh: make(chan struct{}), pool: map[raft.ServerAddress][]*Conn{}}
	go t.accept()
	return t
}

// Consumer returns the channel raft reads incoming RPCs from.
func (t *RaftTransport) Consumer() <-chan raft.RPC { return t.consumeCh }

// LocalAddr is the layer's address.
func (t *RaftTransport) LocalAddr() raft.ServerAddress {
	return raft.ServerAddress(t.layer.Addr().String())
}

// AppendEntriesPipeline is not supported: raft then replicates one request at a time.
func (t *RaftTransport) AppendEntriesPipeline(raft.ServerID, raft.ServerAddress) (raft.AppendPipeline, error) {
	return nil, raft.ErrPipelineReplicationNotSupported
}

// EncodePeer and DecodePeer keep the address as is, as NetworkTransport does.
func (t *RaftTransport) EncodePeer(_ raft.ServerID, addr raft.ServerAddress) []byte {
	return []byte(addr)
}

// DecodePeer is EncodePeer's inverse.
func (t *RaftTransport) DecodePeer(b []byte) raft.ServerAddress { return raft.ServerAddress(b) }

// SetHeartbeatHandler sets the fast path for heartbeats, which skips the consumer.
func (t *RaftTransport) SetHeartbeatHandler(cb func(raft.RPC)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.heartbeatFn = cb
}

// Close stops serving and aborts every stream (RaftLayer.Close). Idempotent.
func (t *RaftTransport) Close() error {
	t.shutdown.Do(func() { close(t.shutdownCh) })
	return t.layer.Close()
}

// AppendEntries sends args to target and fills resp.
func (t *RaftTransport) AppendEntries(_ raft.ServerID, target raft.ServerAddress, args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) error {
	req := *args
	size := 64
	if len(args.Entries) > 0 {
		req.Entries = make([]*raft.Log, len(args.Entries))
		for i, e := range args.Entries {
			c := *e
			c.Data, c.Extensions = bytes.Clone(e.Data), bytes.Clone(e.Extensions)
			req.Entries[i] = &c
			size += 48 + len(e.Data) + len(e.Extensions)
		}
	}
	got, err := t.call(target, &req, size, t.timeout)
	if err == nil {
		*resp = *got.(*raft.AppendEntriesResponse)
	}
	return err
}

// RequestVote sends args to target and fills resp.
func (t *RaftTransport) RequestVote(_ raft.ServerID, target raft.ServerAddress, args *raft.RequestVoteRequest, resp *raft.RequestVoteResponse) error {
	req := *args
	got, err := t.call(target, &req, 64, t.timeout)
	if err == nil {
		*resp = *got.(*raft.RequestVoteResponse)
	}
	return err
}

// RequestPreVote sends args to target and fills resp.
func (t *RaftTransport) RequestPreVote(_ raft.ServerID, target raft.ServerAddress, args *raft.RequestPreVoteRequest, resp *raft.RequestPreVoteResponse) error {
	req := *args
	got, err := t.call(target, &req, 64, t.timeout)
	if err == nil {
		*resp = *got.(*raft.RequestPreVoteResponse)
	}
	return err
}

// TimeoutNow sends args to target and fills resp.
func (t *RaftTransport) TimeoutNow(_ raft.ServerID, target raft.ServerAddress, args *raft.TimeoutNowRequest, resp *raft.TimeoutNowResponse) error {
	req := *args
	got, err := t.call(target, &req, 64, t.timeout)
	if err == nil {
		*resp = *got.(*raft.TimeoutNowResponse)
	}
	return err
}

// snapshotMsg is an InstallSnapshot request with its data, read whole.
type snapshotMsg struct {
	req  raft.InstallSnapshotRequest
	data []byte
}

// InstallSnapshot reads the snapshot whole and sends it with args as one message, under
// NetworkTransport's size-scaled deadline.
func (t *RaftTransport) InstallSnapshot(_ raft.ServerID, target raft.ServerAddress, args *raft.InstallSnapshotRequest, resp *raft.InstallSnapshotResponse, data io.Reader) error {
	b, err := io.ReadAll(data)
	if err != nil {
		return fmt.Errorf("netmodel: raft transport: read snapshot: %w", err)
	}
	timeout := t.timeout
	if timeout > 0 {
		timeout = max(t.timeout*time.Duration(args.Size/snapshotTimeoutScale), t.timeout)
	}
	got, err := t.call(target, &snapshotMsg{req: *args, data: b}, 64+len(b), timeout)
	if err == nil {
		*resp = *got.(*raft.InstallSnapshotResponse)
	}
	return err
}

// response is what a server sends back: raft's response or its error's text.
type response struct {
	v   any
	err string
}

// call sends one request on a pooled stream to target and waits for the response.
func (t *RaftTransport) call(target raft.ServerAddress, req any, size int, timeout time.Duration) (any, error) {
	c, err := t.conn(target)
	if err != nil {
		return nil, err
	}
	if timeout > 0 {
		c.SetDeadline(time.Now().Add(timeout))
	}
	if err := c.WriteMsg(req, size); err != nil {
		c.Close()
		return nil, err
	}
	m, err := c.ReadMsg()
	if err != nil {
		c.Close()
		return nil, err
	}
	r := m.(*response)
	if _, snap := req.(*snapshotMsg); snap {
		c.Close() // NetworkTransport never reuses a snapshot's stream either
	} else {
		t.release(target, c)
	}
	if r.err != "" {
		return nil, errors.New(r.err)
	}
	return r.v, nil
}

// conn takes an idle stream to target or dials one.
func (t *RaftTransport) conn(target raft.ServerAddress) (*Conn, error) {
	t.mu.Lock()
	if list := t.pool[target]; len(list) > 0 {
		c := list[len(list)-1]
		list[len(list)-1] = nil
		t.pool[target] = list[:len(list)-1]
		t.mu.Unlock()
		return c, nil
	}
	t.mu.Unlock()
	nc, err := t.layer.Dial(target, t.timeout)
	if err != nil {
		return nil, err
	}
	return nc.(*Conn), nil
}

// release returns c to the pool, or closes it if the pool is full or shut down.
func (t *RaftTransport) release(target raft.ServerAddress, c *Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	select {
	case <-t.shutdownCh:
		c.Close()
		return
	default:
	}
	if len(t.pool[target]) >= maxPool {
		c.Close()
		return
	}
	t.pool[target] = append(t.pool[target], c)
}

// accept serves every inbound stream until the layer closes.
func (t *RaftTransport) accept() {
	for {
		c, err := t.layer.Accept()
		if err != nil {
			return
		}
		go t.serve(c.(*Conn))
	}
}

// serve answers the requests of one stream, one at a time.
func (t *RaftTransport) serve(c *Conn) {
	defer c.Close()
	for {
		m, err := c.ReadMsg()
		if err != nil {
			return
		}
		r, err := t.handle(m)
		if err != nil {
			return
		}
		if err := c.WriteMsg(r, 64); err != nil {
			return
		}
	}
}

// handle hands one request to raft and waits for its response.
func (t *RaftTransport) handle(m any) (*response, error) {
	respCh := make(chan raft.RPCResponse, 1)
	rpc := raft.RPC{RespChan: respCh}
	heartbeat := false
	switch req := m.(type) {
	case *raft.AppendEntriesRequest:
		rpc.Command = req
		leader := req.Addr
		if len(leader) == 0 {
			leader = req.Leader
		}
		// NetworkTransport's test for a heartbeat, to the letter.
		heartbeat = req.Term != 0 && leader != nil && req.PrevLogEntry == 0 && req.PrevLogTerm == 0 &&
			len(req.Entries) == 0 && req.LeaderCommitIndex == 0
	case *raft.RequestVoteRequest, *raft.RequestPreVoteRequest, *raft.TimeoutNowRequest:
		rpc.Command = req
	case *snapshotMsg:
		rpc.Command = &req.req
		rpc.Reader = bytes.NewReader(req.data)
	default:
		panic(fmt.Sprintf("netmodel: raft transport: unknown request %T", m))
	}
	dispatched := false
	if heartbeat {
		t.mu.Lock()
		fn := t.heartbeatFn
		t.mu.Unlock()
		if fn != nil {
			fn(rpc)
			dispatched = true
		}
	}
	if !dispatched {
		select {
		case t.consumeCh <- rpc:
		case <-t.shutdownCh:
			return nil, raft.ErrTransportShutdown
		}
	}
	select {
	case resp := <-respCh:
		r := &response{v: resp.Response}
		if resp.Error != nil {
			r.err = resp.Error.Error()
		}
		return r, nil
	case <-t.shutdownCh:
		return nil, raft.ErrTransportShutdown
	}
}
