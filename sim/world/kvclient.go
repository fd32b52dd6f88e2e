package world

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/node/leanhttp"
	"github.com/consim/consim/scenarios"
)

// maxBody bounds what a workload client reads of an answer. KV values are the client's
// own op ids, so real answers are tiny; the bound only protects the world.
const maxBody = 1 << 20

// maxErrorText bounds the error text recorded in op_return.
const maxErrorText = 200

// kvOp is one workload operation, with every choice made before it is called.
type kvOp struct {
	id    string // "c1-17", also the value a put or cas writes
	kind  string // event.OpGet, OpPut, OpCAS, OpDelete
	key   string
	mode  string // get only
	cas   uint64 // cas only
	value string // put and cas
	via   *simNode
	role  string // via's role when the op was drawn
}

// callEvent is the op_call event of op by client.
func (op *kvOp) callEvent(client string) event.Event {
	ev := event.Event{Type: event.OpCall, Client: client, OpID: op.id, Op: op.kind, Key: op.key,
		Value: op.value, Mode: op.mode, Via: op.via.name, ViaRole: op.role}
	if op.kind == event.OpCAS {
		ev.CASIndex = &op.cas
	}
	return ev
}

// request builds op's HTTP request to its agent's API.
func (op *kvOp) request(ctx context.Context) (*http.Request, error) {
	u := "http://" + op.via.httpAddr() + "/v1/kv/" + op.key
	method, body := http.MethodGet, ""
	switch op.kind {
	case event.OpGet:
		if op.mode != scenarios.ModeDefault {
			u += "?" + op.mode
		}
	case event.OpPut:
		method, body = http.MethodPut, op.value
	case event.OpCAS:
		method, body = http.MethodPut, op.value
		u += "?cas=" + strconv.FormatUint(op.cas, 10)
	case event.OpDelete:
		method = http.MethodDelete
	default:
		panic(fmt.Sprintf("world: workload op %s has unknown kind %q", op.id, op.kind))
	}
	return http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
}

// newHTTPClient returns an HTTP client whose connections are streams of h on the virtual
// network. Idle connections are kept, as Consul's client library does, so only the first
// request to an agent (or the first after a connection broke) pays for a handshake.
//
// The transport is leanhttp's: each request is written and answered on the client's own
// goroutine, without net/http's read and write loops per connection, over the same
// netmodel streams (faults apply to every byte as before).
func newHTTPClient(h *netmodel.Host, conns int) *http.Client {
	return &http.Client{Transport: &leanhttp.Transport{Dial: h.DialContext, MaxIdlePerHost: conns, IdleTimeout: 90 * time.Second}}
}

// do makes op's request with hc and returns its op_return event (without client and id)
// and, for a get that answered, the ModifyIndex it saw (0 for a missing key).
func (op *kvOp) do(hc *http.Client, timeout time.Duration) (ret event.Event, seen uint64, saw bool) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ret = event.Event{Type: event.OpReturn, Op: op.kind}
	req, err := op.request(ctx)
	if err != nil {
		panic(fmt.Sprintf("world: workload op %s: build request: %v", op.id, err))
	}
	resp, err := hc.Do(req)
	if err != nil {
		return unknown(ret, requestError(err)), 0, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return unknown(ret, requestError(err)), 0, false
	}
	ret.Code = resp.StatusCode
	if op.kind == event.OpGet {
		readMeta(&ret, resp.Header)
	}
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		return op.answered(ret, body)
	case code == http.StatusNotFound && op.kind == event.OpGet:
		ret.Status, ret.Found = event.StatusOK, new(bool)
		return ret, 0, true
	case code >= 400 && code < 500:
		ret.Status, ret.Error = event.StatusFail, errorText(body)
		return ret, 0, false
	default:
		return unknown(ret, errorText(body)), 0, false
	}
}

// answered interprets a 200 answer.
func (op *kvOp) answered(ret event.Event, body []byte) (event.Event, uint64, bool) {
	if op.kind == event.OpGet {
		var entries []struct {
			Value       []byte
			ModifyIndex uint64
		}
		if err := json.Unmarshal(body, &entries); err != nil || len(entries) != 1 {
			return unknown(ret, fmt.Sprintf("unexpected answer to a get: %s", errorText(body))), 0, false
		}
		found := true
		ret.Status, ret.Found = event.StatusOK, &found
		ret.Value, ret.ModifyIndex = string(entries[0].Value), entries[0].ModifyIndex
		return ret, entries[0].ModifyIndex, true
	}
	switch strings.TrimSpace(string(body)) {
	case "true":
		ret.Status = event.StatusOK
	case "false":
		// Only a check-and-set answers false: its index did not match, nothing changed.
		ret.Status = event.StatusFail
		if op.kind != event.OpCAS {
			return unknown(ret, fmt.Sprintf("a %s answered false", op.kind)), 0, false
		}
		ret.Error = "cas index did not match"
	default:
		return unknown(ret, fmt.Sprintf("unexpected answer to a %s: %s", op.kind, errorText(body))), 0, false
	}
	return ret, 0, false
}

func unknown(ret event.Event, why string) event.Event {
	ret.Status, ret.Error = event.StatusUnknown, why
	return ret
}

// readMeta copies a read's X-Consul-* headers, those that are present, into ret.
func readMeta(ret *event.Event, h http.Header) {
	if v, err := strconv.ParseUint(h.Get("X-Consul-Index"), 10, 64); err == nil {
		ret.Index = v
	}
	if v, err := strconv.ParseBool(h.Get("X-Consul-KnownLeader")); err == nil {
		ret.KnownLeader = &v
	}
	if v, err := strconv.ParseInt(h.Get("X-Consul-LastContact"), 10, 64); err == nil {
		ret.LastContactMS = &v
	}
	ret.Consistency = h.Get("X-Consul-Effective-Consistency")
}

// requestError is the text of a failed request without the method and URL that
// net/http wraps around it (the op_call already says both).
func requestError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return truncate(err.Error())
}

func errorText(body []byte) string {
	return truncate(string(bytes.TrimSpace(body)))
}

func truncate(s string) string {
	if len(s) > maxErrorText {
		s = strings.ToValidUTF8(s[:maxErrorText], "") + "..."
	}
	return s
}
