package node

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/serf"
)

// Agent is one running node: gossip (the Serf layer over memberlist) always, raft when
// it is a server.
type Agent struct {
	cfg  Config
	serf *serf.Serf
	srv  *server    // nil on client agents
	api  *agentAPI  // nil without listeners
	disc *discovery // nil without the catalog (Config.Catalog)
	dns  *dnsServer // nil without DNS (Config.DNS)
}

// Start validates cfg and starts the agent's gossip and, for a server, raft.
func Start(cfg Config) (*Agent, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	obs := cfg.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	a := &Agent{cfg: cfg}
	var err error
	if a.serf, err = createSerf(&cfg, obs); err != nil {
		return nil, err
	}
	if cfg.Server {
		if a.srv, err = startServer(&cfg, obs); err != nil {
			a.serf.Shutdown()
			return nil, err
		}
	}
	a.api = a.startAPI()
	a.dns = a.startDNS()
	if cfg.Catalog {
		a.startDiscovery()
	}
	if a.srv != nil {
		if cfg.BootstrapExpect > 0 {
			go a.bootstrapLoop(cfg.BootstrapExpect, a.srv.done)
		}
		go a.reconcileLoop(a.srv.done)
	}
	return a, nil
}

// Name is the agent's name.
func (a *Agent) Name() string { return a.cfg.Name }

// IsServer says whether the agent runs raft.
func (a *Agent) IsServer() bool { return a.srv != nil }

// AliveMembers is the number of members this agent currently sees alive, itself included.
func (a *Agent) AliveMembers() int { return a.serf.NumAlive() }

// RaftState returns the server's raft state name and term ("", 0 on a client).
func (a *Agent) RaftState() (string, uint64) {
	if a.srv == nil {
		return "", 0
	}
	return stateName(a.srv.raft.State()), a.srv.raft.CurrentTerm()
}

// Apply replicates data through raft; only the leader accepts it.
func (a *Agent) Apply(data []byte, timeout time.Duration) error {
	if a.srv == nil {
		return fmt.Errorf("node %s: apply: not a server", a.cfg.Name)
	}
	if err := a.srv.raft.Apply(data, timeout).Error(); err != nil {
		return fmt.Errorf("node %s: apply: %w", a.cfg.Name, err)
	}
	return nil
}

// Applied is the number of entries the server's state machine has applied.
func (a *Agent) Applied() uint64 {
	if a.srv == nil {
		return 0
	}
	return a.srv.fsm.applied.Load()
}

// Raft exposes the server's raft instance (nil on a client) for callers that need more
// than the agent offers, such as tests waiting for a leader.
func (a *Agent) Raft() *raft.Raft {
	if a.srv == nil {
		return nil
	}
	return a.srv.raft
}

// Shutdown stops raft and gossip without a leave message, as a crash would look to peers
// (call Leave first for a graceful exit).
// Like raft's and memberlist's own, it may be called more than once.
func (a *Agent) Shutdown() error {
	var errs []error
	a.disc.shutdown()
	if err := a.dns.close(); err != nil {
		errs = append(errs, fmt.Errorf("node %s: dns shutdown: %w", a.cfg.Name, err))
	}
	if err := a.api.stop(); err != nil {
		errs = append(errs, fmt.Errorf("node %s: api shutdown: %w", a.cfg.Name, err))
	}
	if a.srv != nil {
		if err := a.srv.shutdown(); err != nil {
			errs = append(errs, fmt.Errorf("node %s: raft shutdown: %w", a.cfg.Name, err))
		}
	}
	if err := a.serf.Shutdown(); err != nil {
		errs = append(errs, fmt.Errorf("node %s: gossip shutdown: %w", a.cfg.Name, err))
	}
	return errors.Join(errs...)
}
