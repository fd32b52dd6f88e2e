package node

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/leanhttp"
	"github.com/consim/consim/node/serf"
)

// discovery is an agent's part of the service catalog (Config.Catalog): its local
// services and checks, the check runner (checks.go), anti-entropy (antientropy.go) and,
// on a server that leads, the serf health reconcile (catalog_reconcile.go).
type discovery struct {
	name, addr string
	local      *localState
	svc        kvService // the agent's way to the servers, as the HTTP API's
	obs        CatalogObserver
	interval   time.Duration // anti-entropy's base interval

	// serverUp (capacity 1) asks anti-entropy for a full sync: a server joined, as
	// Consul's ServerUp does. members (capacity 1) tells the leader's reconcile that
	// membership changed.
	serverUp chan struct{}
	members  chan struct{}

	checkClient *http.Client
	checkTr     *leanhttp.Transport
	ctx         context.Context // ends at shutdown: cancels checks and syncs in flight
	cancel      context.CancelFunc
	done        chan struct{}
	stop        sync.Once
	wg          sync.WaitGroup
}

// defaultAntiEntropyInterval is Consul's: a full sync every minute or so (clusters of
// more than 128 nodes scale it up; consim's are smaller).
const defaultAntiEntropyInterval = time.Minute

func (a *Agent) startDiscovery() {
	c := &a.cfg
	d := &discovery{
		name: c.Name, addr: c.Addr, svc: a.api.kv, obs: c.CatalogObserver,
		interval: c.AntiEntropyInterval,
		serverUp: make(chan struct{}, 1), members: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	if d.interval <= 0 {
		d.interval = defaultAntiEntropyInterval
	}
	d.local = newLocalState(c.Name, c.Addr, c.CatalogObserver)
	d.ctx, d.cancel = context.WithCancel(context.Background())
	// Consul's HTTP checks open a connection per run (keep-alives off): a check must see
	// whether the service accepts connections now.
	d.checkTr = &leanhttp.Transport{Dial: c.Dial}
	d.checkClient = &http.Client{Transport: d.checkTr}
	now := time.Now()
	for _, s := range c.Services {
		d.local.addService(s, now, randomStagger)
	}
	a.disc = d
	a.AddHandler(serf.HandlerSpec{Name: "catalog", Filter: "member-join,member-leave,member-failed,member-update,member-reap", Internal: true,
		Handler: serf.HandlerFunc(func(e serf.Event) {
			poke(d.members)
			if me, ok := e.(serf.MemberEvent); ok && me.Type == serf.EventMemberJoin {
				for _, m := range me.Members {
					if m.Tags[TagRole] == RoleServer {
						poke(d.serverUp)
						break
					}
				}
			}
		})})
	d.wg.Add(2)
	go func() { defer d.wg.Done(); d.runChecks() }()
	go func() { defer d.wg.Done(); d.antiEntropy() }()
}

// shutdown stops the check runner and anti-entropy and waits for them.
func (d *discovery) shutdown() {
	if d == nil {
		return
	}
	d.stop.Do(func() {
		d.cancel()
		close(d.done)
	})
	d.wg.Wait()
	d.checkTr.CloseIdleConnections()
}

// RegisterService registers (or replaces) a service and its checks on the agent, as
// PUT /v1/agent/service/register does; anti-entropy takes it to the catalog.
func (a *Agent) RegisterService(def ServiceDefinition) error {
	if a.disc == nil {
		return errCatalogOff
	}
	if err := def.validate(); err != nil {
		return badRequest("%v", err)
	}
	a.disc.local.addService(def, time.Now(), randomStagger)
	return nil
}

// DeregisterService removes a service and its checks from the agent (and, through
// anti-entropy, from the catalog).
func (a *Agent) DeregisterService(id string) error {
	if a.disc == nil {
		return errCatalogOff
	}
	return a.disc.local.removeService(id)
}

// UpdateCheck sets a TTL check's status (passing, warning or critical) and output, and
// restarts its TTL, as Consul's /v1/agent/check/pass|warn|fail|update do.
func (a *Agent) UpdateCheck(id, status, output string) error {
	if a.disc == nil {
		return errCatalogOff
	}
	if !catalog.ValidStatus(status) {
		return badRequest("Invalid check status: %q", status)
	}
	return a.disc.local.updateTTL(id, status, output, time.Now())
}

// LocalServices returns the agent's services, in ID order (empty without the catalog).
func (a *Agent) LocalServices() []catalog.Service {
	if a.disc == nil {
		return nil
	}
	return a.disc.local.listServices()
}

// LocalChecks returns the agent's checks with their current status, in ID order.
func (a *Agent) LocalChecks() []catalog.Check {
	if a.disc == nil {
		return nil
	}
	return a.disc.local.listChecks()
}
