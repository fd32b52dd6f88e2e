package node

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// defaultRaftTimeout is Consul's raft network timeout.
const defaultRaftTimeout = 10 * time.Second

// server is the raft side of a server agent.
type server struct {
	raft      *raft.Raft
	transport *raft.NetworkTransport
	fsm       *counterFSM
	observer  *raft.Observer
	done      chan struct{}
	stop      sync.Once // closes done: shutdown may be called more than once
}

func startServer(c *Config, obs Observer) (*server, error) {
	hl, _ := loggers(c.Name, c.LogOutput)
	timeout := c.RaftTimeout
	if timeout <= 0 {
		timeout = defaultRaftTimeout
	}
	trans := raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream:  c.RaftLayer,
		MaxPool: 3,
		Timeout: timeout,
		Logger:  hl.Named("net"),
	})
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
			trans.Close()
			return nil, fmt.Errorf("node %s: raft: read state: %w", c.Name, err)
		}
		if !has {
			cfg := raft.Configuration{Servers: c.Bootstrap}
			if err := raft.BootstrapCluster(rc, st.Log, st.Stable, st.Snapshot, trans, cfg); err != nil {
				trans.Close()
				return nil, fmt.Errorf("node %s: raft: bootstrap: %w", c.Name, err)
			}
		}
	}
	fsm := &counterFSM{}
	r, err := raft.NewRaft(rc, fsm, st.Log, st.Stable, st.Snapshot, trans)
	if err != nil {
		trans.Close()
		return nil, fmt.Errorf("node %s: raft: %w", c.Name, err)
	}
	s := &server{raft: r, transport: trans, fsm: fsm, done: make(chan struct{})}
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

// watch reports raft state changes, with the term as read when the change is reported.
func (s *server) watch(name string, ch <-chan raft.Observation, obs Observer) {
	for {
		select {
		case o := <-ch:
			obs.RaftState(name, stateName(o.Data.(raft.RaftState)), s.raft.CurrentTerm())
		case <-s.done:
			return
		}
	}
}

func (s *server) shutdown() error {
	err := s.raft.Shutdown().Error()
	s.raft.DeregisterObserver(s.observer)
	s.stop.Do(func() { close(s.done) })
	if cerr := s.transport.Close(); err == nil {
		err = cerr
	}
	return err
}

func stateName(s raft.RaftState) string { return strings.ToLower(s.String()) }
