package world

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node"
	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/leanhttp"
	"github.com/consim/consim/scenarios"
)

// The service catalog in the world: the scenario's services become each agent's service
// definitions, every instance with a port answers HTTP on its node while the node runs
// (what HTTP checks reach), script checks exit as the scenario scripts them, and check
// actions update TTL checks. Without services the catalog stays off, and the agents
// commit nothing to raft but KV writes.

// catalogOn says whether the scenario runs the catalog.
// Lock clients need it too (a session is bound to its node in the catalog), and so do
// handlers that register services.
func (w *World) catalogOn() bool {
	s := &w.spec.Scenario
	return len(s.Services) > 0 || s.Workload != nil && s.Workload.Locks != nil || s.RegistersServices()
}

// configureCatalog sets the catalog side of n's agent config.
func (w *World) configureCatalog(n *simNode, cfg *node.Config) {
	if !w.catalogOn() {
		return
	}
	cfg.Catalog = true
	cfg.AntiEntropyInterval = w.spec.Scenario.AntiEntropy.Interval.D()
	cfg.CatalogObserver = catalogObserver{n.voice}
	cfg.SessionObserver = sessionObserver{n.voice}
	for _, svc := range w.spec.Scenario.Services {
		if !slices.Contains(svc.Nodes, n.name) {
			continue
		}
		def := node.ServiceDefinition{ID: svc.ID, Name: svc.Name, Tags: slices.Clone(svc.Tags), Port: svc.Port}
		for i, chk := range svc.Checks {
			cd := node.CheckDefinition{ID: svc.CheckID(i), Name: chk.Name, Status: chk.Status,
				TTL: chk.TTL.D(), Interval: chk.Interval.D(), Timeout: chk.Timeout.D()}
			switch chk.Kind() {
			case "http":
				cd.HTTP = w.checkURL(n, chk.HTTP)
			case "script":
				steps := chk.Script
				cd.Script = func() (int, string) {
					st := scenarios.ScriptAt(steps, w.emit.now())
					return st.Exit, st.Output
				}
			}
			def.Checks = append(def.Checks, cd)
		}
		cfg.Services = append(cfg.Services, def)
	}
}

// checkURL resolves an HTTP check's host, as the node's resolver would: localhost is the
// node itself, a node name that node's address. The scenario was validated.
func (w *World) checkURL(n *simNode, raw string) string {
	u, _ := url.Parse(raw)
	host, port := u.Hostname(), u.Port()
	switch {
	case host == "localhost":
		host = n.addr
	case net.ParseIP(host) == nil:
		host = w.node(host).addr
	}
	if port == "" {
		port = "80"
	}
	u.Host = net.JoinHostPort(host, port)
	return u.String()
}

// startEndpoints has n answer HTTP at every port its services listen on: 200 "ok" at any
// path, on its address. A crash closes them with the host's listeners; a start after a
// leave (the host stayed up) closes the old ones first. Called from the main goroutine.
func (w *World) startEndpoints(n *simNode) {
	for _, srv := range n.endpoints {
		srv.Close()
	}
	n.endpoints = nil
	for _, svc := range w.spec.Scenario.Services {
		if svc.Port == 0 || !slices.Contains(svc.Nodes, n.name) {
			continue
		}
		l, err := n.host.Listen(n.addr, svc.Port)
		if err != nil {
			panic(fmt.Sprintf("world: %s: listen for service %s on port %d: %v (seed %d)", n.name, svc.Name, svc.Port, err, w.spec.Seed))
		}
		n.endpoints = append(n.endpoints, leanhttp.Serve(l, endpoint{}, 30*time.Second))
	}
}

// endpoint is a service instance's HTTP side: healthy while its node runs.
type endpoint struct{}

func (endpoint) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("ok"))
}

// checkAction runs a check action: a TTL update on the node's agent, recorded as
// check_update (with the reason if it did nothing); a new status shows as check_status.
func (w *World) checkAction(a *scenarios.CheckAction) {
	n := w.node(a.Node)
	ev := event.Event{Type: event.CheckUpdate, Node: n.name, Check: a.ID, Status: a.Status, Output: a.Output}
	if n.agent == nil {
		ev.Reason = "not running"
	} else if err := n.agent.UpdateCheck(a.ID, a.Status, a.Output); err != nil {
		ev.Reason = err.Error()
	}
	w.emit.emit(ev)
}

// catalogObserver turns the agents' catalog records into events.
type catalogObserver struct{ e sink }

func (o catalogObserver) CheckStatus(self string, u node.CheckUpdate) {
	o.e.emit(event.Event{Type: event.CheckStatus, Node: self, Check: u.CheckID, Service: u.ServiceID, Status: u.Status, Output: u.Output})
}

func (o catalogObserver) CatalogApplied(self string, index uint64, r catalog.Request, changed bool, err error) {
	if !changed && err == nil {
		return // a write that changed nothing says nothing
	}
	ev := event.Event{Type: event.CatalogApply, Node: self, Index: index, Op: string(r.Op), Member: r.Node}
	switch {
	case r.Service != nil:
		ev.Service = r.Service.ID
		if ev.Service == "" {
			ev.Service = r.Service.Service
		}
	case r.ServiceID != "":
		ev.Service = r.ServiceID
	case r.CheckID != "":
		ev.Check = r.CheckID
	}
	if len(r.Checks) > 0 {
		ev.Checks = map[string]string{}
		for _, c := range r.Checks {
			ev.Checks[c.CheckID] = c.Status
		}
	}
	if err != nil {
		ev.Reason = err.Error()
	}
	o.e.emit(ev)
}

func (o catalogObserver) AntiEntropy(self string, s node.SyncReport) {
	ev := event.Event{Type: event.AESync, Node: self, Full: s.Full, Synced: s.Synced}
	if s.Err != nil {
		ev.Reason = s.Err.Error()
	}
	o.e.emit(ev)
}
