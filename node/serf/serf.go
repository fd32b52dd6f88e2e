package serf

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/memberlist"
)

// State is the lifecycle state of the local node's Serf.
type State int32

// States, in the only order they can come.
const (
	StateAlive State = iota
	StateLeaving
	StateLeft
	StateShutdown
)

// String returns "alive", "leaving", "left" or "shutdown".
func (s State) String() string {
	switch s {
	case StateAlive:
		return "alive"
	case StateLeaving:
		return "leaving"
	case StateLeft:
		return "left"
	case StateShutdown:
		return "shutdown"
	}
	return fmt.Sprintf("state(%d)", int32(s))
}

// ErrNotAlive is returned by operations that need a node that has not left.
var ErrNotAlive = errors.New("serf: node is leaving, has left or is shut down")

// Serf is one node's Serf layer: membership with tags and statuses, intents, user events,
// queries and event handlers, on top of its memberlist. Its methods are safe for
// concurrent use.
type Serf struct {
	cfg    Config
	opts   Options
	ml     *memberlist.Memberlist
	logger *log.Logger
	obs    Observer
	rand   *lockedRand
	disp   *dispatcher

	// Three Lamport clocks, as in Serf: member intents, user events, queries.
	clock      LamportClock
	eventClock LamportClock
	queryClock LamportClock

	intentQ *memberlist.TransmitLimitedQueue
	eventQ  *memberlist.TransmitLimitedQueue
	queryQ  *memberlist.TransmitLimitedQueue

	stateMu sync.Mutex // serializes Leave and Shutdown
	state   atomic.Int32

	membership // guarded by memberMu
	tagsState  // guarded by tagsMu
	eventState // guarded by eventMu
	queryState // guarded by queryMu

	// joinIgnore is set while Join runs without Replay: the join's push-pull then moves
	// the event and query minimum times past what the cluster has seen.
	joinIgnore atomic.Bool

	// decodeErrors counts messages that could not be decoded (a bug, or a foreign
	// sender).
	decodeErrors atomic.Uint64

	shutdownCh chan struct{}
	wg         sync.WaitGroup
}

// Create starts a node's Serf layer and its memberlist. The node is alone until Join.
func Create(cfg Config) (*Serf, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	mc := *cfg.Memberlist
	opts := cfg.Options.withDefaults(mc.GossipInterval)
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("serf %s: %w", cfg.Name, err)
	}
	tags := maps.Clone(cfg.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	meta, err := encodeTags(tags)
	if err != nil {
		return nil, fmt.Errorf("serf %s: %w", cfg.Name, err)
	}
	logOut := cfg.LogOutput
	if logOut == nil {
		logOut = io.Discard
	}
	s := &Serf{
		cfg:        cfg,
		opts:       opts,
		logger:     log.New(logOut, "", 0),
		obs:        cfg.Observer,
		rand:       newLockedRand(cfg.Rand),
		shutdownCh: make(chan struct{}),
	}
	if s.obs == nil {
		s.obs = nopObserver{}
	}
	s.tags, s.meta = tags, meta
	s.initMembership()
	s.initEvents()
	s.initQueries()
	// No message carries time 0: a zero time means "never" (Serf does the same).
	s.clock.Increment()
	s.eventClock.Increment()
	s.queryClock.Increment()
	if cfg.Clocks != nil {
		saved, err := cfg.Clocks.LoadClocks()
		if err != nil {
			return nil, fmt.Errorf("serf %s: restore the clocks: %w", cfg.Name, err)
		}
		s.restoreClocks(saved)
	}
	s.intentQ = s.newQueue(mc.RetransmitMult)
	s.eventQ = s.newQueue(mc.RetransmitMult)
	s.queryQ = s.newQueue(mc.RetransmitMult)

	s.disp = newDispatcher(cfg.Name, s.obs, opts)
	for _, h := range cfg.Handlers {
		r, err := newRegisteredHandler(h)
		if err != nil {
			return nil, fmt.Errorf("serf %s: handler %q: %w", cfg.Name, h.Name, err)
		}
		s.disp.add(r)
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.disp.run(s.shutdownCh)
	}()
	if cfg.Clocks != nil {
		// Nothing runs yet: the clocks are the saved ones, and from here on every move
		// pokes the saver.
		moved, last := make(chan struct{}, 1), s.currentClocks()
		s.clock.moved, s.eventClock.moved, s.queryClock.moved = moved, moved, moved
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.saveClocks(cfg.Clocks, last, moved)
		}()
	}

	mc.Name = cfg.Name
	mc.Delegate = &delegate{s}
	mc.Events = &eventDelegate{s}
	mc.Logger = log.New(&suspectTap{s: s, out: logOut}, "", 0)
	mc.LogOutput = nil
	ml, err := memberlist.Create(&mc)
	if err != nil {
		close(s.shutdownCh)
		s.wg.Wait()
		return nil, fmt.Errorf("serf %s: memberlist: %w", cfg.Name, err)
	}
	s.ml = ml
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.reapLoop()
	}()
	// The reconnect loop is not waited for by Shutdown: a reconnect in flight is a
	// memberlist join that ends on its own dial timeout.
	go s.reconnectLoop()
	return s, nil
}

func (s *Serf) newQueue(retransmitMult int) *memberlist.TransmitLimitedQueue {
	return &memberlist.TransmitLimitedQueue{
		NumNodes:       func() int { return int(s.numMembers.Load()) },
		RetransmitMult: retransmitMult,
	}
}

// Name returns the local node's name.
func (s *Serf) Name() string { return s.cfg.Name }

// State returns the local node's lifecycle state.
func (s *Serf) State() State { return State(s.state.Load()) }

// Memberlist returns the underlying memberlist, for callers that need more than Serf
// offers (its health score, say). Do not Leave or Shutdown it directly.
func (s *Serf) Memberlist() *memberlist.Memberlist { return s.ml }

// Options returns the options in effect, defaults filled in.
func (s *Serf) Options() Options { return s.opts }

// Members returns every member this node knows, itself included, failed and left ones
// too until they are reaped, in name order.
func (s *Serf) Members() []Member {
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	out := make([]Member, 0, len(s.members))
	for _, m := range s.members {
		out = append(out, m.Member.clone())
	}
	slices.SortFunc(out, func(a, b Member) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Member returns the member called name as this node sees it.
func (s *Serf) Member(name string) (Member, bool) {
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	m, ok := s.members[name]
	if !ok {
		return Member{}, false
	}
	return m.Member.clone(), true
}

// LocalMember returns the local node as a member.
func (s *Serf) LocalMember() Member {
	m, _ := s.Member(s.cfg.Name)
	return m
}

// NumAlive returns the number of members this node sees alive, itself included.
func (s *Serf) NumAlive() int {
	s.memberMu.Lock()
	defer s.memberMu.Unlock()
	n := 0
	for _, m := range s.members {
		if m.Status == StatusAlive {
			n++
		}
	}
	return n
}

// Stats are counters for diagnostics.
type Stats struct {
	Members, Failed, Left                             int
	MemberTime, EventTime, QueryTime                  LamportTime
	IntentQueue, EventQueue, QueryQueue               int
	HandlerDrops                                      uint64
	EventsPending                                     int // user events waiting for an earlier one
	EventsDuplicate, EventsOld, EventsGap, EventsLate uint64
	DecodeErrors                                      uint64
}

// Stats returns the current counters.
func (s *Serf) Stats() Stats {
	st := Stats{
		MemberTime: s.clock.Time(), EventTime: s.eventClock.Time(), QueryTime: s.queryClock.Time(),
		IntentQueue: s.intentQ.NumQueued(), EventQueue: s.eventQ.NumQueued(), QueryQueue: s.queryQ.NumQueued(),
		HandlerDrops: s.disp.drops.Load(), DecodeErrors: s.decodeErrors.Load(),
	}
	s.memberMu.Lock()
	st.Members, st.Failed, st.Left = len(s.members), len(s.failed), len(s.left)
	s.memberMu.Unlock()
	s.eventMu.Lock()
	st.EventsPending = len(s.pending)
	st.EventsDuplicate, st.EventsOld = s.eventStats.duplicate, s.eventStats.old
	st.EventsGap, st.EventsLate = s.eventStats.gap, s.eventStats.late
	s.eventMu.Unlock()
	return st
}

// Shutdown stops the node without a leave: to the others it looks like a crash unless
// Leave ran first. It may be called more than once.
func (s *Serf) Shutdown() error {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	if s.State() == StateShutdown {
		return nil
	}
	s.state.Store(int32(StateShutdown))
	close(s.shutdownCh)
	err := s.ml.Shutdown()
	s.stopOrderTimers()
	s.stopQueries()
	s.wg.Wait()
	if err != nil {
		return fmt.Errorf("serf %s: memberlist shutdown: %w", s.cfg.Name, err)
	}
	return nil
}
