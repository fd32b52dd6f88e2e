package serf

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/consim/consim/node/serf/filter"
)

// queryState is the query side of a Serf. queryMu guards it.
type queryState struct {
	queryMu      sync.Mutex
	queryBuf     []*querySlot // recent queries by LTime modulo its length, for de-duplication
	queryMinTime LamportTime
	running      map[LamportTime]*QueryResponse // this node's queries still collecting
}

type querySlot struct {
	ltime LamportTime
	ids   []uint32
}

func (s *Serf) initQueries() {
	s.queryBuf = make([]*querySlot, s.opts.QueryBuffer)
	s.running = map[LamportTime]*QueryResponse{}
}

// QueryParams are the optional parts of a query.
type QueryParams struct {
	// Filter selects the members that answer (zero: all). Every member gossips the
	// query on.
	Filter filter.Filter
	// RequestAck asks every selected member to acknowledge receipt at once, before any
	// handler answers.
	RequestAck bool
	// RelayFactor asks responders to also send their answer through this many other
	// members, in case the direct path is lossy. At most Options.QueryRelayLimit.
	RelayFactor uint8
	// Timeout is how long responses are collected; 0 means DefaultQueryTimeout.
	Timeout time.Duration
}

// NodeResponse is one member's answer.
type NodeResponse struct {
	From    string
	Payload []byte
}

// DefaultQueryTimeout is Serf's: GossipInterval x QueryTimeoutMult x ceil(log10(N+1)),
// N the number of known members; 6.4 s for 100 members on LAN.
func (s *Serf) DefaultQueryTimeout() time.Duration {
	n := float64(s.numMembers.Load())
	scale := math.Ceil(math.Log10(n + 1))
	if scale < 1 {
		scale = 1
	}
	return s.cfg.Memberlist.GossipInterval * time.Duration(s.opts.QueryTimeoutMult) * time.Duration(scale)
}

// Query gossips a query to every member; those its filter selects acknowledge it (if
// asked) and pass it to their query handlers, whose answers come back directly to this
// node. The QueryResponse collects acks and answers until the timeout, then closes its
// channels. Name plus payload may be at most Options.QuerySizeLimit bytes.
func (s *Serf) Query(name string, payload []byte, p *QueryParams) (*QueryResponse, error) {
	r, err := s.startQuery(name, payload, p)
	info := &QueryInfo{Name: name, Origin: s.cfg.Name, Size: len(name) + len(payload)}
	if r != nil {
		info = &r.info
	}
	s.obs.Observe(Record{Kind: RecordQueryFired, Self: s.cfg.Name, Query: info, Size: len(name) + len(payload), Err: err})
	if err != nil {
		return nil, err
	}
	// Take it in locally too: this node may be selected, and answers itself then.
	s.handleQuery(r.msg)
	s.queue(s.queryQ, r.msg.encode(), nil)
	return r, nil
}

func (s *Serf) startQuery(name string, payload []byte, p *QueryParams) (*QueryResponse, error) {
	fail := func(format string, args ...any) (*QueryResponse, error) {
		return nil, fmt.Errorf("serf %s: query %q: %s", s.cfg.Name, name, fmt.Sprintf(format, args...))
	}
	if p == nil {
		p = &QueryParams{}
	}
	if err := checkName(name); err != nil {
		return fail("%v", err)
	}
	if size := len(name) + len(payload); size > s.opts.QuerySizeLimit {
		return fail("name + payload are %d bytes, over the limit of %d (QuerySizeLimit)", size, s.opts.QuerySizeLimit)
	}
	if int(p.RelayFactor) > s.opts.QueryRelayLimit {
		return fail("relay factor %d over the limit of %d", p.RelayFactor, s.opts.QueryRelayLimit)
	}
	if p.Timeout < 0 {
		return fail("negative timeout")
	}
	if _, err := p.Filter.Compile(); err != nil {
		return fail("%v", err)
	}
	if s.State() != StateAlive {
		return fail("%v", ErrNotAlive)
	}
	timeout := p.Timeout
	if timeout == 0 {
		timeout = s.DefaultQueryTimeout()
	}
	local := s.ml.LocalNode()
	msg := &queryMsg{
		LTime: math.MaxUint64, ID: math.MaxUint32,
		Origin: s.cfg.Name, Addr: local.Address(), Filter: p.Filter, Ack: p.RequestAck,
		Relay: p.RelayFactor, Timeout: timeout, Name: name, Payload: payload,
	}
	if n := len(msg.encode()); n > MaxMessageSize {
		return fail("encoded with its filter it takes %d bytes, over the %d that fit a gossip packet", n, MaxMessageSize)
	}
	msg.LTime = s.queryClock.Time()
	s.queryClock.Increment()
	msg.ID = s.rand.Uint32()
	r := &QueryResponse{
		s:        s,
		msg:      msg,
		info:     QueryInfo{Name: name, LTime: msg.LTime, ID: msg.ID, Origin: s.cfg.Name, Timeout: timeout, Size: len(name) + len(payload)},
		deadline: time.Now().Add(timeout),
		acks:     map[string]bool{},
		resps:    map[string]bool{},
	}
	// Each member answers at most once of each kind: channels this big never fill.
	size := int(s.numMembers.Load()) + 1
	if p.RequestAck {
		r.ackCh = make(chan string, size)
	}
	r.respCh = make(chan NodeResponse, size)
	s.queryMu.Lock()
	s.running[msg.LTime] = r
	s.queryMu.Unlock()
	r.timer = time.AfterFunc(timeout, r.Close)
	return r, nil
}

// QueryResponse collects the acks and answers to one of this node's queries.
type QueryResponse struct {
	s        *Serf
	msg      *queryMsg
	info     QueryInfo
	deadline time.Time
	timer    *time.Timer

	mu     sync.Mutex
	closed bool
	acks   map[string]bool
	resps  map[string]bool
	ackCh  chan string
	respCh chan NodeResponse
}

// Info identifies the query.
func (r *QueryResponse) Info() QueryInfo { return r.info }

// Deadline is when collection ends.
func (r *QueryResponse) Deadline() time.Time { return r.deadline }

// AckCh receives the name of each member that acknowledged, once; nil unless acks were
// requested. It is closed at the deadline.
func (r *QueryResponse) AckCh() <-chan string { return r.ackCh }

// ResponseCh receives each member's answer, once. It is closed at the deadline.
func (r *QueryResponse) ResponseCh() <-chan NodeResponse { return r.respCh }

// Finished reports whether collection has ended.
func (r *QueryResponse) Finished() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// Counts returns the acks and answers received so far.
func (r *QueryResponse) Counts() (acks, responses int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.acks), len(r.resps)
}

// Close ends collection early; the deadline calls it too.
func (r *QueryResponse) Close() {
	r.s.queryMu.Lock()
	if r.s.running[r.info.LTime] == r {
		delete(r.s.running, r.info.LTime)
	}
	r.s.queryMu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.closed = true
	r.timer.Stop()
	if r.ackCh != nil {
		close(r.ackCh)
	}
	close(r.respCh)
	info := r.info
	r.s.obs.Observe(Record{Kind: RecordQueryDone, Self: r.s.cfg.Name, Query: &info, Acks: len(r.acks), Responses: len(r.resps)})
}

// add takes in an ack or an answer; duplicates (relays) are dropped.
func (r *QueryResponse) add(m *queryResponseMsg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	info := r.info
	if m.Ack {
		if r.ackCh == nil || r.acks[m.From] {
			return
		}
		r.acks[m.From] = true
		select {
		case r.ackCh <- m.From:
		default: // more members than when the query started, and nobody reading
		}
		r.s.obs.Observe(Record{Kind: RecordQueryAck, Self: r.s.cfg.Name, Query: &info, From: m.From})
		return
	}
	if r.resps[m.From] {
		return
	}
	r.resps[m.From] = true
	select {
	case r.respCh <- NodeResponse{From: m.From, Payload: m.Payload}:
	default:
	}
	r.s.obs.Observe(Record{Kind: RecordQueryResponse, Self: r.s.cfg.Name, Query: &info, From: m.From, Size: len(m.Payload)})
}

// stopQueries ends every running query at shutdown.
func (s *Serf) stopQueries() {
	s.queryMu.Lock()
	var rs []*QueryResponse
	for _, r := range s.running {
		rs = append(rs, r)
	}
	s.queryMu.Unlock()
	slices.SortFunc(rs, func(a, b *QueryResponse) int { return cmp.Compare(a.info.LTime, b.info.LTime) })
	for _, r := range rs {
		r.Close()
	}
}
