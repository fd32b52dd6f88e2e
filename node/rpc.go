package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/consim/consim/node/leanhttp"
)

// Server RPC: how client agents reach servers and followers reach the leader. Consul
// multiplexes msgpack net/rpc onto its raft port; consim speaks JSON over HTTP on a port
// of its own (RPCPort), so that raft's traffic and forwarded requests can be told apart
// on the wire and by faults. The semantics are Consul's: one hop per forward, errors
// travel as their text ("No cluster leader" stays "No cluster leader").

// rpcHandler serves one RPC method: args is the JSON request, the result is encoded.
type rpcHandler func(ctx context.Context, args json.RawMessage) (any, error)

// rpcServer serves RPC methods at POST /rpc/<method>.
type rpcServer struct {
	srv *leanhttp.Server
}

func newRPCServer(l net.Listener, handlers map[string]rpcHandler) *rpcServer {
	mux := http.NewServeMux()
	for method, h := range handlers {
		mux.HandleFunc("POST /rpc/"+method, func(w http.ResponseWriter, r *http.Request) {
			args, err := io.ReadAll(r.Body)
			if err != nil {
				return // the caller went away
			}
			reply, err := h(r.Context(), args)
			w.Header().Set("Content-Type", "application/json")
			if err != nil {
				w.WriteHeader(http.StatusInternalServerError)
				json.NewEncoder(w).Encode(rpcErrorBody{Error: err.Error()})
				return
			}
			json.NewEncoder(w).Encode(reply)
		})
	}
	return &rpcServer{srv: leanhttp.Serve(l, mux, 30*time.Second)}
}

func (s *rpcServer) close() error { return s.srv.Close() }

type rpcErrorBody struct {
	Error string `json:"error"`
}

// rpcError is an error returned by the remote handler, as its text.
type rpcError struct{ msg string }

func (e rpcError) Error() string { return e.msg }

// rpcClient calls servers' RPC methods over the agent's dialer, keeping a few idle
// connections per server as Consul's connection pool does.
type rpcClient struct {
	hc *http.Client
	tr *leanhttp.Transport
}

func newRPCClient(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *rpcClient {
	tr := &leanhttp.Transport{Dial: dial, MaxIdlePerHost: 4, IdleTimeout: 2 * time.Minute}
	return &rpcClient{hc: &http.Client{Transport: tr}, tr: tr}
}

// call invokes method on the server at addr ("ip:port") and decodes its reply.
func (c *rpcClient) call(ctx context.Context, addr, method string, args, reply any) error {
	body, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("rpc %s: encode: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/rpc/"+method, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("rpc %s: %w", method, err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("rpc %s to %s: %w", method, addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e rpcErrorBody
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || e.Error == "" {
			return fmt.Errorf("rpc %s to %s: status %d", method, addr, resp.StatusCode)
		}
		return rpcError{e.Error}
	}
	if err := json.NewDecoder(resp.Body).Decode(reply); err != nil {
		return fmt.Errorf("rpc %s to %s: decode reply: %w", method, addr, err)
	}
	return nil
}

func (c *rpcClient) close() { c.tr.CloseIdleConnections() }
