package node

import (
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/raft"

	"github.com/consim/consim/node/catalog"
	"github.com/consim/consim/node/leanhttp"
	"github.com/consim/consim/node/serf"
)

// agentAPI is what an agent serves to the outside: the HTTP API and, on a server, the
// RPC other agents forward to. Both sit on a kvService that knows where requests go.
type agentAPI struct {
	kv      kvService
	events  *eventRing
	rpc     *rpcClient
	rpcSrv  *rpcServer
	httpSrv *leanhttp.Server
}

// startAPI serves the listeners the config gives; with none it does nothing.
func (a *Agent) startAPI() *agentAPI {
	c := &a.cfg
	if c.HTTPListener == nil && c.RPCListener == nil {
		return nil
	}
	api := &agentAPI{rpc: newRPCClient(c.Dial), events: &eventRing{}}
	a.AddHandler(serf.HandlerSpec{Name: "http-event-list", Filter: "user", Handler: api.events, Internal: true})
	if a.srv != nil {
		api.kv = &serverKV{self: raft.ServerID(c.Name), srv: a.srv, rpc: api.rpc, rpcPort: c.RPCPort, bugs: c.UnsafeBugs}
		if c.CPU != nil {
			api.kv = cpuKV{kvService: api.kv, cpu: c.CPU}
		}
		if c.RPCListener != nil {
			api.rpcSrv = newRPCServer(c.RPCListener, rpcHandlers(api.kv))
		}
	} else {
		api.kv = &clientKV{rpc: api.rpc, servers: a.serverRPCAddrs}
	}
	if c.HTTPListener != nil {
		mux := http.NewServeMux()
		mux.Handle("/v1/kv/", wrap(kvEndpoint(api.kv)))
		mux.Handle("/v1/status/leader", wrap(statusLeader(api.kv), http.MethodGet))
		mux.Handle("/v1/status/peers", wrap(statusPeers(api.kv), http.MethodGet))
		mux.Handle("/v1/operator/raft/peer", wrap(operatorRaftPeer(api.kv), http.MethodDelete))
		mux.Handle("/v1/agent/self", wrap(a.agentSelf, http.MethodGet))
		mux.Handle("/v1/agent/members", wrap(a.agentMembers, http.MethodGet))
		mux.Handle("/v1/agent/join/", wrap(a.agentJoin, http.MethodPut))
		mux.Handle("/v1/agent/leave", wrap(a.agentLeave, http.MethodPut))
		mux.Handle("/v1/agent/services", wrap(a.agentServices, http.MethodGet))
		mux.Handle("/v1/agent/checks", wrap(a.agentChecks, http.MethodGet))
		mux.Handle("/v1/agent/service/register", wrap(a.agentServiceRegister, http.MethodPut))
		mux.Handle("/v1/agent/service/deregister/", wrap(a.agentServiceDeregister, http.MethodPut))
		mux.Handle("/v1/agent/check/pass/", wrap(a.agentCheckTTL(catalog.Passing), http.MethodPut))
		mux.Handle("/v1/agent/check/warn/", wrap(a.agentCheckTTL(catalog.Warning), http.MethodPut))
		mux.Handle("/v1/agent/check/fail/", wrap(a.agentCheckTTL(catalog.Critical), http.MethodPut))
		mux.Handle("/v1/agent/check/update/", wrap(a.agentCheckUpdate, http.MethodPut))
		mux.Handle("/v1/catalog/nodes", wrap(catalogNodes(api.kv), http.MethodGet))
		mux.Handle("/v1/catalog/services", wrap(catalogServices(api.kv), http.MethodGet))
		mux.Handle("/v1/catalog/service/", wrap(catalogService(api.kv), http.MethodGet))
		mux.Handle("/v1/catalog/node/", wrap(catalogNode(api.kv), http.MethodGet))
		mux.Handle("/v1/health/service/", wrap(healthService(api.kv), http.MethodGet))
		mux.Handle("/v1/health/checks/", wrap(healthChecks(api.kv, ReadHealthChecks, "/v1/health/checks/", "Missing service name"), http.MethodGet))
		mux.Handle("/v1/health/node/", wrap(healthChecks(api.kv, ReadHealthNode, "/v1/health/node/", "Missing node name"), http.MethodGet))
		mux.Handle("/v1/health/state/", wrap(healthChecks(api.kv, ReadHealthState, "/v1/health/state/", "Missing check state"), http.MethodGet))
		mux.Handle("/v1/session/create", wrap(a.sessionCreate(api.kv), http.MethodPut))
		mux.Handle("/v1/session/destroy/", wrap(sessionDestroy(api.kv), http.MethodPut))
		mux.Handle("/v1/session/renew/", wrap(sessionRenew(api.kv), http.MethodPut))
		mux.Handle("/v1/session/info/", wrap(sessionRead(api.kv, ReadSessionInfo, "/v1/session/info/", "Missing session"), http.MethodGet))
		mux.Handle("/v1/session/node/", wrap(sessionRead(api.kv, ReadSessionNode, "/v1/session/node/", "Missing node name"), http.MethodGet))
		mux.Handle("/v1/session/list", wrap(sessionRead(api.kv, ReadSessionList, "", ""), http.MethodGet))
		mux.Handle("/v1/event/fire/", wrap(a.eventFire, http.MethodPut))
		mux.Handle("/v1/event/list", wrap(a.eventList, http.MethodGet))
		mux.HandleFunc("/", notFound)
		api.httpSrv = leanhttp.Serve(c.HTTPListener, mux, 30*time.Second)
	}
	return api
}

// stop closes the listeners and every connection, in flight or idle. A listener that
// is already closed (the host crashed under it) is not an error.
func (api *agentAPI) stop() error {
	if api == nil {
		return nil
	}
	var errs []error
	keep := func(err error) {
		if err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	if api.httpSrv != nil {
		keep(api.httpSrv.Close())
	}
	if api.rpcSrv != nil {
		keep(api.rpcSrv.close())
	}
	api.rpc.close()
	return errors.Join(errs...)
}
