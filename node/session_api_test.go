package node

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// sessionID creates a session through a with body and returns its ID.
func sessionID(t *testing.T, api *apiClient, a *testAgent, body string) string {
	t.Helper()
	r := api.do(a, http.MethodPut, "/v1/session/create", body)
	var out struct{ ID string }
	if r.code != 200 || json.Unmarshal([]byte(r.body), &out) != nil || len(out.ID) != 36 {
		t.Fatalf("session create %s via %s: %d %s", body, a.name, r.code, r.body)
	}
	return out.ID
}

// The session endpoints and KV acquire/release, with Consul's defaults, status codes and
// error texts; bad input changes nothing; a TTL session lapses 2x its TTL after its last
// renewal on the leader; a crashed node's session is invalidated, its lock released, and
// lock-delay keeps the next acquire out for the session's LockDelay.
func TestSessionEndpoints(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 21, 3, 2, withCatalog(t, &catalogLog{}, nil))
		joinMixed(c)
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s1, c1, c2 := c.get("server-1"), c.get("client-1"), c.get("client-2")
		c.waitFor(convergeBound, "every member in the catalog", func() bool {
			return strings.Count(api.do(s1, http.MethodGet, "/v1/catalog/nodes", "").body, `"Node":`) == 5
		})
		list := func() string { return api.do(s1, http.MethodGet, "/v1/session/list", "").body }

		// Bad input: Consul's status and text, no session created.
		for _, bad := range []struct {
			body string
			code int
			want string
		}{
			{`{"Node":"nowhere"}`, 500, "Missing node registration"},
			{`{"TTL":"5s"}`, 500, "Invalid Session TTL '5000000000', must be between [10s=24h0m0s]"},
			{`{"TTL":"2d"}`, 500, `Session TTL '2d' invalid: time: unknown unit "d" in duration "2d"`},
			{`{"Behavior":"keep"}`, 500, "Invalid Behavior setting 'keep'"},
			{`{"Checks":["nope"]}`, 500, "Missing check 'nope' registration"},
			{`{"Name":`, 400, "Request decode failed: unexpected EOF"},
		} {
			if r := api.do(c1, http.MethodPut, "/v1/session/create", bad.body); r.code != bad.code || r.body != bad.want {
				t.Errorf("create %s: %d %q, want %d %q", bad.body, r.code, r.body, bad.code, bad.want)
			}
		}
		if l := list(); l != "[]" {
			t.Fatalf("refused creates left sessions: %s", l)
		}

		// Defaults: this agent's node, serfHealth, 15 s lock-delay, release.
		a := sessionID(t, api, c1, "")
		var info []map[string]any
		json.Unmarshal([]byte(api.do(s1, http.MethodGet, "/v1/session/info/"+a, "").body), &info)
		if len(info) != 1 || info[0]["Node"] != "client-1" || info[0]["LockDelay"] != float64(15e9) || info[0]["Behavior"] != "release" ||
			strings.Join(toStrings(info[0]["NodeChecks"]), ",") != "serfHealth" {
			t.Errorf("session info: %+v", info)
		}
		b := sessionID(t, api, c2, `{"Name":"b","LockDelay":"5s","Checks":[]}`)
		if r := api.do(c2, http.MethodGet, "/v1/session/node/client-2", ""); !strings.Contains(r.body, `"Name":"b","Node":"client-2","LockDelay":5000000000,"Behavior":"release","TTL":"","NodeChecks":null`) {
			t.Errorf("session/node/client-2: %s", r.body)
		}
		if r := api.do(s1, http.MethodGet, "/v1/session/info/nope", ""); r.code != 200 || r.body != "[]" || r.header.Get("X-Consul-Index") == "" {
			t.Errorf("info of an unknown session: %d %s %v", r.code, r.body, r.header)
		}

		// Acquire and release.
		if r := api.do(c1, http.MethodPut, "/v1/kv/lk?acquire=nope", "x"); r.code != 500 || r.body != `invalid session "nope"` {
			t.Errorf("acquire with an unknown session: %d %q", r.code, r.body)
		}
		if r := api.do(s1, http.MethodGet, "/v1/kv/lk", ""); r.code != 404 {
			t.Errorf("a refused acquire wrote the key: %d %s", r.code, r.body)
		}
		put := func(via *testAgent, q, v string) string { return api.do(via, http.MethodPut, "/v1/kv/lk?"+q, v).body }
		if got := put(c1, "acquire="+a, "a1"); got != "true" {
			t.Errorf("acquire: %s", got)
		}
		if got := put(c2, "acquire="+b, "b1"); got != "false" {
			t.Errorf("acquire of a held lock by another session: %s", got)
		}
		if got := put(c2, "release="+b, "b1"); got != "false" {
			t.Errorf("release by a session that does not hold it: %s", got)
		}
		e := api.do(s1, http.MethodGet, "/v1/kv/lk", "").entries(t)
		if e[0]["Session"] != a || e[0]["LockIndex"] != float64(1) {
			t.Errorf("held key: %+v", e)
		}
		if got := put(c1, "release="+a, "a2"); got != "true" {
			t.Errorf("release: %s", got)
		}
		if got := put(c2, "acquire="+b, "b2"); got != "true" {
			t.Errorf("acquire after a release (no lock-delay): %s", got)
		}
		if e := api.do(s1, http.MethodGet, "/v1/kv/lk", "").entries(t); e[0]["Session"] != b || e[0]["LockIndex"] != float64(2) {
			t.Errorf("key after the second acquire: %+v", e)
		}

		// TTL: a renewal answers the session; without renewals it lapses within 2x TTL.
		ttl := sessionID(t, api, c1, `{"TTL":"10s","Checks":[]}`)
		time.Sleep(15 * time.Second)
		if r := api.do(c1, http.MethodPut, "/v1/session/renew/"+ttl, ""); r.code != 200 || !strings.Contains(r.body, `"ID":"`+ttl+`"`) {
			t.Fatalf("renew: %d %s", r.code, r.body)
		}
		renewed := time.Now()
		c.waitFor(30*time.Second, "the TTL session gone", func() bool {
			return api.do(s1, http.MethodGet, "/v1/session/info/"+ttl, "").body == "[]"
		})
		if lapsed := time.Since(renewed); lapsed < 20*time.Second || lapsed > 21*time.Second {
			t.Errorf("TTL session lapsed %s after its renewal, want 2x10s", lapsed)
		}
		if r := api.do(c1, http.MethodPut, "/v1/session/renew/"+ttl, ""); r.code != 404 || r.body != "Session id '"+ttl+"' not found" {
			t.Errorf("renew of a lapsed session: %d %q", r.code, r.body)
		}

		// Node failure: client-1's session (bound to serfHealth) goes, its lock is free,
		// and its 15 s lock-delay refuses the next acquire until it runs out.
		if got := api.do(c2, http.MethodPut, "/v1/kv/lk2?acquire="+a, "a"); got.body != "true" {
			t.Fatalf("acquire lk2: %s", got.body)
		}
		c.crash("client-1")
		c.waitFor(30*time.Second, "client-1's session invalidated", func() bool {
			return api.do(s1, http.MethodGet, "/v1/session/info/"+a, "").body == "[]"
		})
		gone := time.Now()
		if e := api.do(s1, http.MethodGet, "/v1/kv/lk2", "").entries(t); e[0]["Session"] != nil || e[0]["LockIndex"] != float64(1) {
			t.Errorf("lk2 after its holder's invalidation: %+v", e)
		}
		if got := api.do(c2, http.MethodPut, "/v1/kv/lk2?acquire="+b, "b"); got.body != "false" {
			t.Errorf("acquire inside the lock-delay: %s", got.body)
		}
		c.waitFor(20*time.Second, "lk2 acquired after the lock-delay", func() bool {
			return api.do(c2, http.MethodPut, "/v1/kv/lk2?acquire="+b, "b").body == "true"
		})
		if d := time.Since(gone); d < 14*time.Second || d > 16*time.Second {
			t.Errorf("lk2 acquired %s after the invalidation, want the 15 s lock-delay", d)
		}

		if r := api.do(c2, http.MethodPut, "/v1/session/destroy/"+b, ""); r.code != 200 || r.body != "true" {
			t.Errorf("destroy: %d %s", r.code, r.body)
		}
		if e := api.do(s1, http.MethodGet, "/v1/kv/lk2", "").entries(t); e[0]["Session"] != nil {
			t.Errorf("lk2 after destroying its holder: %+v", e)
		}
		if l := list(); l != "[]" {
			t.Errorf("sessions left: %s", l)
		}
	})
}

func toStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

// Destroying a session starts its keys' lock-delay too; the planted bug no-lock-delay
// makes the leader ignore it.
func TestLockDelayAfterDestroyAndTheBug(t *testing.T) {
	for _, bug := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			hook := withCatalog(t, &catalogLog{}, nil)
			c := newClusterWith(t, 22, 1, 1, func(a *testAgent, cfg *Config) {
				hook(a, cfg)
				cfg.UnsafeBugs.NoLockDelay = bug
			})
			c.join("client-1", "server-1")
			waitForStableLeader(c, 10*time.Second)
			api := newAPIClient(t, c)
			s1, c1 := c.get("server-1"), c.get("client-1")
			c.waitFor(convergeBound, "both nodes in the catalog", func() bool {
				return strings.Count(api.do(s1, http.MethodGet, "/v1/catalog/nodes", "").body, `"Node":`) == 2
			})
			a := sessionID(t, api, c1, `{"LockDelay":"10s"}`)
			b := sessionID(t, api, s1, "")
			if r := api.do(c1, http.MethodPut, "/v1/kv/lk?acquire="+a, "a"); r.body != "true" {
				t.Fatalf("acquire: %d %s", r.code, r.body)
			}
			api.do(c1, http.MethodPut, "/v1/session/destroy/"+a, "")
			got := api.do(s1, http.MethodPut, "/v1/kv/lk?acquire="+b, "b").body
			if want := map[bool]string{false: "false", true: "true"}[bug]; got != want {
				t.Errorf("no-lock-delay=%v: acquire right after the holder's destroy answered %s, want %s", bug, got, want)
			}
		})
	}
}
