package node

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/catalog"
)

// defaultRaftTimeout is Consul's raft network timeout.
const defaultRaftTimeout = 10 * time.Second

// server is the raft side of a server agent.
type server struct {
	raft      *raft.Raft
	transport raft.Transport
	fsm       *serverFSM
	observer  *raft.Observer
	done      chan struct{}
	stop      sync.Once // closes done: shutdown may be called more than once

	// readyTerm is the term in which this server, as leader, applied its barrier: it
	// serves consistent reads only while it leads that same term (Consul's
	// "ready for consistent reads").
	readyTerm atomic.Uint64
	// verify keeps VerifyLeader calls from overlapping raft's shutdown (verify.go).
	verify verifyGuard
	// ttl holds the session TTL timers while this server leads (session_ttl.go).
	ttl sessionTimers
	// sessionObs hears sessions change and locks refused for lock-delay; may be nil.
	sessionObs SessionObserver
}

func startServer(c *Config, obs Observer) (*server, error) {
	hl, _ := loggers(c.Name, c.LogOutput)
	timeout := c.RaftTimeout
	if timeout <= 0 {
		timeout = defaultRaftTimeout
	}
	var trans raft.Transport
	if c.NewRaftTransport != nil {
		trans = c.NewRaftTransport(timeout)
	} else {
		trans = networkTransport(c, timeout, hl)
	}
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(c.Name)
	rc.Logger = hl
	st := c.Stores
	if st.Log == nil || st.Stable == nil {
		mem := raft.NewInmemStore()
		st.Log, st.Stable = mem, mem
	}
	if st.Snapshot == nil {
		st.Snapshot = raft.NewInmemSnapshotStore()
	}
	if len(c.Bootstrap) > 0 {
		has, err := raft.HasExistingState(st.Log, st.Stable, st.Snapshot)
		if err != nil {
			closeTransport(trans)
			return nil, fmt.Errorf("node %s: raft: read state: %w", c.Name, err)
		}
		if !has {
			cfg := raft.Configuration{Servers: c.Bootstrap}
			if err := raft.BootstrapCluster(rc, st.Log, st.Stable, st.Snapshot, trans, cfg); err != nil {
				closeTransport(trans)
				return nil, fmt.Errorf("node %s: raft: bootstrap: %w", c.Name, err)
			}
		}
	}
	fsm := newServerFSM()
	if co := c.CatalogObserver; co != nil {
		fsm.onCatalog = func(index uint64, r catalog.Request, changed bool, err error) {
			co.CatalogApplied(c.Name, index, r, changed, err)
		}
	}
	if so := c.SessionObserver; so != nil {
		fsm.onSession = func(ch SessionChange) { so.SessionChanged(c.Name, ch) }
	}
	r, err := raft.NewRaft(rc, fsm, st.Log, st.Stable, st.Snapshot, trans)
	if err != nil {
		closeTransport(trans)
		return nil, fmt.Errorf("node %s: raft: %w", c.Name, err)
	}
	s := &server{raft: r, transport: trans, fsm: fsm, done: make(chan struct{}), sessionObs: c.SessionObserver}
	// A non-blocking observer: raft never waits for us. 64 slots hold far more state
	// changes than can happen between two runs of the loop below.
	ch := make(chan raft.Observation, 64)
	s.observer = raft.NewObserver(ch, false, func(o *raft.Observation) bool {
		_, ok := o.Data.(raft.RaftState)
		return ok
	})
	r.RegisterObserver(s.observer)
	obs.RaftState(c.Name, stateName(r.State()), r.CurrentTerm())
	go s.watch(c.Name, ch, obs)
	return s, nil
}

// networkTransport is raft's own NetworkTransport over c.RaftLayer, the default.
func networkTransport(c *Config, timeout time.Duration, hl hclog.Logger) *raft.NetworkTransport {
	return raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream:  c.RaftLayer,
		MaxPool: 3,
		Timeout: timeout,
		// One AppendEntries in flight a follower, no pipelined replication: hashicorp/raft's
		// pipeline can deadlock (its issue 612): a follower answers Success=false, the
		// pipeline's decoder stops, one more send parks on a full in-progress channel
		// while the response reader parks on a full done channel, and the replication
		// goroutine never ends. The follower gets heartbeats but no more entries, and the
		// server never finishes shutting down. consim's no-bug hunt found it (a power cut
		// of five servers of six, seed 2: a shutdown stuck for a minute of virtual time);
		// the same scenario passes with this setting.
		MaxRPCsInFlight: 1,
		Logger:          hl.Named("net"),
	})
}

// closeTransport closes t if it can be closed (raft.WithClose).
func closeTransport(t raft.Transport) error {
	if c, ok := t.(raft.WithClose); ok {
		return c.Close()
	}
	return nil
}

// watch reports raft state changes, with the term as read when the change is reported,
// and starts the barrier that makes a new leader ready for consistent reads.
func (s *server) watch(name string, ch <-chan raft.Observation, obs Observer) {
	for {
		select {
		case o := <-ch:
			state := o.Data.(raft.RaftState)
			term := s.raft.CurrentTerm()
			if state == raft.Leader {
				go s.establishLeadership(term)
			} else {
				s.ttl.clearAll()
			}
			obs.RaftState(name, stateName(state), term)
		case <-s.done:
			return
		}
	}
}

// establishLeadership applies a barrier in the new term: once it returns, every entry
// committed by earlier leaders is applied here, so local reads see every acknowledged
// write. Only then may consistent reads be served.
func (s *server) establishLeadership(term uint64) {
	if err := s.raft.Barrier(0).Error(); err != nil {
		return // lost leadership or shut down; the next leader does its own barrier
	}
	if s.raft.State() == raft.Leader && s.raft.CurrentTerm() == term {
		s.readyTerm.Store(term)
		s.armSessionTimers()
	}
}

// readyForConsistentReads says whether this leader has applied its barrier in the
// current term.
func (s *server) readyForConsistentReads() bool {
	t := s.readyTerm.Load()
	return t != 0 && t == s.raft.CurrentTerm() && s.raft.State() == raft.Leader
}

func (s *server) shutdown() error {
	s.verify.drain(verifyDrainTimeout)
	err := s.raft.Shutdown().Error()
	s.raft.DeregisterObserver(s.observer)
	s.stop.Do(func() { close(s.done) })
	s.ttl.clearAll()
	if cerr := closeTransport(s.transport); err == nil {
		err = cerr
	}
	return err
}

func stateName(s raft.RaftState) string { return strings.ToLower(s.String()) }
