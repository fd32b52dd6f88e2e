package node

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func value(t *testing.T, r response) string {
	t.Helper()
	es := r.entries(t)
	if len(es) != 1 {
		t.Fatalf("want one entry, got %d: %s", len(es), r.body)
	}
	v, _ := base64.StdEncoding.DecodeString(es[0]["Value"].(string))
	return string(v)
}

// A write through any server is readable through every server in consistent mode as
// soon as it returns; default reads on followers are forwarded; stale reads catch up.
func TestKVWriteThroughAnyServerReadEverywhere(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 1, 3, 0, withAPI(t))
		leader := waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		for i, via := range c.servers() {
			key := fmt.Sprintf("k%d", i)
			if r := api.do(via, http.MethodPut, "/v1/kv/"+key, "v-"+via.name); r.code != 200 || r.body != "true" {
				t.Fatalf("PUT via %s: %d %q", via.name, r.code, r.body)
			}
			for _, s := range c.servers() {
				r := api.do(s, http.MethodGet, "/v1/kv/"+key+"?consistent", "")
				if r.code != 200 || value(t, r) != "v-"+via.name {
					t.Fatalf("consistent GET %s on %s after PUT via %s: %d %s", key, s.name, via.name, r.code, r.body)
				}
				if got := r.header.Get("X-Consul-Effective-Consistency"); got != "consistent" {
					t.Errorf("effective consistency %q, want consistent", got)
				}
				if r.header.Get("X-Consul-KnownLeader") != "true" {
					t.Errorf("consistent read on %s: no known leader", s.name)
				}
			}
		}
		// Default reads on a follower are answered by the leader.
		for _, s := range c.servers() {
			r := api.do(s, http.MethodGet, "/v1/kv/k0", "")
			if r.code != 200 || r.header.Get("X-Consul-Effective-Consistency") != "leader" || r.header.Get("X-Consul-LastContact") != "0" {
				t.Errorf("default GET on %s: %d %v", s.name, r.code, r.header)
			}
		}
		// Stale reads on followers answer locally and have caught up after a moment.
		settle()
		for _, s := range c.servers() {
			r := api.do(s, http.MethodGet, "/v1/kv/k2?stale", "")
			if r.code != 200 || value(t, r) != "v-"+c.servers()[2].name {
				t.Errorf("stale GET on %s: %d %s", s.name, r.code, r.body)
			}
			if s != leader && r.header.Get("X-Consul-Effective-Consistency") != "stale" {
				t.Errorf("stale GET on %s: consistency header %q", s.name, r.header.Get("X-Consul-Effective-Consistency"))
			}
		}
	})
}

// Check-and-set, create-only, delete-cas, recursive listing and key listing.
func TestKVSemantics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 2, 3, 0, withAPI(t))
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s := c.servers()[1]
		put := func(path, body, want string) {
			t.Helper()
			if r := api.do(s, http.MethodPut, path, body); r.code != 200 || r.body != want {
				t.Fatalf("PUT %s: %d %q, want %q", path, r.code, r.body, want)
			}
		}
		put("/v1/kv/web/a?cas=0", "1", "true")
		put("/v1/kv/web/a?cas=0", "2", "false") // create-only on an existing key
		r := api.do(s, http.MethodGet, "/v1/kv/web/a", "")
		idx := uint64(r.entries(t)[0]["ModifyIndex"].(float64))
		put(fmt.Sprintf("/v1/kv/web/a?cas=%d", idx+1), "3", "false")
		put(fmt.Sprintf("/v1/kv/web/a?cas=%d", idx), "4", "true")
		put("/v1/kv/web/b/c?flags=42", "5", "true")
		put("/v1/kv/db", "6", "true")
		if got := value(t, api.do(s, http.MethodGet, "/v1/kv/web/a", "")); got != "4" {
			t.Errorf("web/a = %q after CAS, want 4", got)
		}
		if r := api.do(s, http.MethodGet, "/v1/kv/web/a?raw", ""); r.body != "4" || r.header.Get("Content-Type") != "text/plain" {
			t.Errorf("raw GET: %q %q", r.body, r.header.Get("Content-Type"))
		}
		if r := api.do(s, http.MethodGet, "/v1/kv/web/?recurse", ""); len(r.entries(t)) != 2 {
			t.Errorf("recurse web/: %s", r.body)
		}
		if r := api.do(s, http.MethodGet, "/v1/kv/?keys&separator=/", ""); r.body != `["db","web/"]` {
			t.Errorf("keys with separator: %s", r.body)
		}
		if r := api.do(s, http.MethodGet, "/v1/kv/web/?keys", ""); r.body != `["web/a","web/b/c"]` {
			t.Errorf("keys under web/: %s", r.body)
		}
		if r := api.do(s, http.MethodGet, "/v1/kv/nope", ""); r.code != 404 || r.index() == 0 {
			t.Errorf("missing key: %d index %d", r.code, r.index())
		}
		if r := api.do(s, http.MethodDelete, "/v1/kv/db?cas=1", ""); r.body != "false" {
			t.Errorf("delete-cas with a wrong index: %s", r.body)
		}
		if r := api.do(s, http.MethodDelete, "/v1/kv/web?recurse", ""); r.body != "true" {
			t.Errorf("delete recurse: %s", r.body)
		}
		if r := api.do(s, http.MethodGet, "/v1/kv/?keys", ""); r.body != `["db"]` {
			t.Errorf("keys after delete-tree: %s", r.body)
		}
	})
}

// A blocking query returns as soon as the key changes, and at the wait time (plus at
// most a sixteenth of jitter) otherwise.
func TestKVBlockingQuery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 3, 3, 0, withAPI(t))
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s := c.servers()[0]
		api.do(s, http.MethodPut, "/v1/kv/x", "1")
		idx := api.do(s, http.MethodGet, "/v1/kv/x", "").index()

		start := time.Now()
		r := api.do(s, http.MethodGet, fmt.Sprintf("/v1/kv/x?index=%d&wait=10s", idx), "")
		waited := time.Since(start)
		if r.index() != idx || waited < 10*time.Second || waited > 10*time.Second+10*time.Second/16+time.Second {
			t.Errorf("idle blocking query returned after %s with index %d (want ~10s, index %d)", waited, r.index(), idx)
		}

		done := make(chan response)
		start = time.Now()
		go func() { done <- api.do(s, http.MethodGet, fmt.Sprintf("/v1/kv/x?index=%d&wait=1m", idx), "") }()
		time.Sleep(3 * time.Second)
		api.do(c.servers()[2], http.MethodPut, "/v1/kv/x", "2")
		r = <-done
		if waited := time.Since(start); waited > 4*time.Second || value(t, r) != "2" || r.index() <= idx {
			t.Errorf("blocking query after a write: %s, value %s, index %d", waited, r.body, r.index())
		}
	})
}

// Bad requests get Consul's status codes and texts, and the agent keeps serving.
func TestKVBadInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 4, 1, 0, withAPI(t))
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s := c.servers()[0]
		for _, tc := range []struct {
			method, path, body string
			code               int
			text               string
		}{
			{"GET", "/v1/kv/", "", 400, "Missing key name"},
			{"PUT", "/v1/kv/", "x", 400, "Missing key name"},
			{"PUT", "/v1/kv/a?cas=x", "", 500, `strconv.ParseUint: parsing "x": invalid syntax`},
			{"PUT", "/v1/kv/a?flags=-1", "", 500, "invalid syntax"},
			{"GET", "/v1/kv/a?index=abc", "", 400, "Invalid index"},
			{"GET", "/v1/kv/a?wait=soon", "", 400, "Invalid wait time"},
			{"GET", "/v1/kv/a?stale&consistent", "", 400, "Cannot specify ?stale with ?consistent, conflicting semantics."},
			{"GET", "/v1/kv/a?max_stale=x", "", 400, `Invalid max_stale value "x"`},
			{"PUT", "/v1/kv/a", strings.Repeat("v", 512*1024+1), 413, "Request body(524289 bytes) too large, max size: 524288 bytes."},
			{"DELETE", "/v1/kv/a?recurse&cas=1", "", 400, "Conflicting flags"},
			{"POST", "/v1/kv/a", "", 405, "method POST not allowed"},
			{"POST", "/v1/status/leader", "", 405, "method POST not allowed"},
			{"GET", "/v1/nope", "", 404, "Invalid URL path: not a recognized HTTP API endpoint"},
		} {
			r := api.do(s, tc.method, tc.path, tc.body)
			if r.code != tc.code || !strings.Contains(r.body, tc.text) {
				t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, r.code, r.body, tc.code, tc.text)
			}
		}
		if r := api.do(s, "POST", "/v1/kv/a", ""); r.header.Get("Allow") != "GET,PUT,DELETE" {
			t.Errorf("405 without Allow header: %v", r.header)
		}
		if r := api.do(s, http.MethodPut, "/v1/kv/still", "ok"); r.code != 200 {
			t.Errorf("agent stopped serving after bad input: %d %s", r.code, r.body)
		}
		if r := api.do(s, http.MethodGet, "/v1/status/leader", ""); r.body != `"127.0.1.1:8300"` {
			t.Errorf("status/leader: %s", r.body)
		}
		if r := api.do(s, http.MethodGet, "/v1/status/peers", ""); r.body != `["127.0.1.1:8300"]` {
			t.Errorf("status/peers: %s", r.body)
		}
	})
}
