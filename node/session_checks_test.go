package node

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// Sessions bound to service checks (ServiceChecks, Consul 1.7+): a check of the session's
// node that must exist and not be critical at create, with Consul's texts; a session is
// invalidated, and its lock released, when a bound service check goes critical, while a
// session bound only to the node's serfHealth stays; the default serfHealth binding is
// kept next to the service checks, and the session's JSON carries them as Consul's.
func TestSessionServiceChecks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svcs := map[string][]ServiceDefinition{
			"client-1": {{Name: "web", Port: 8080, Checks: []CheckDefinition{{TTL: time.Hour, Status: "critical"}}}},
		}
		c := newClusterWith(t, 23, 3, 2, withCatalog(t, &catalogLog{}, svcs))
		joinMixed(c)
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s1, c1 := c.get("server-1"), c.get("client-1")
		c.waitFor(convergeBound, "client-1's web check and both clients' serfHealth in the catalog", func() bool {
			return strings.Contains(api.do(s1, http.MethodGet, "/v1/health/checks/web", "").body, `"CheckID":"service:web"`) &&
				strings.Contains(api.do(s1, http.MethodGet, "/v1/health/node/client-1", "").body, `"CheckID":"serfHealth"`) &&
				strings.Contains(api.do(s1, http.MethodGet, "/v1/health/node/client-2", "").body, `"CheckID":"serfHealth"`)
		})
		list := func() string { return api.do(s1, http.MethodGet, "/v1/session/list", "").body }

		// Refused: an unknown service check, a check of another node, a critical one.
		for _, bad := range []struct{ body, want string }{
			{`{"ServiceChecks":[{"ID":"service:nope","Namespace":""}]}`, "Missing check 'service:nope' registration"},
			{`{"Node":"client-2","ServiceChecks":[{"ID":"service:web"}]}`, "Missing check 'service:web' registration"},
			{`{"ServiceChecks":[{"ID":"service:web"}]}`, "Check 'service:web' is in critical state"},
		} {
			if r := api.do(c1, http.MethodPut, "/v1/session/create", bad.body); r.code != 500 || r.body != bad.want {
				t.Errorf("create %s: %d %q, want 500 %q", bad.body, r.code, r.body, bad.want)
			}
		}
		if l := list(); l != "[]" {
			t.Fatalf("refused creates left sessions: %s", l)
		}

		// Passing: bound, next to the default serfHealth.
		if r := api.do(c1, http.MethodPut, "/v1/agent/check/pass/service:web", ""); r.code != 200 {
			t.Fatalf("pass: %d %s", r.code, r.body)
		}
		c.waitFor(30*time.Second, "service:web passing in the catalog", func() bool {
			return strings.Contains(api.do(s1, http.MethodGet, "/v1/health/checks/web", "").body, `"Status":"passing"`)
		})
		bound := sessionID(t, api, c1, `{"Name":"bound","ServiceChecks":[{"ID":"service:web","Namespace":""}]}`)
		plain := sessionID(t, api, c1, `{"Name":"plain"}`)
		info := api.do(s1, http.MethodGet, "/v1/session/info/"+bound, "").body
		if !strings.Contains(info, `"NodeChecks":["serfHealth"],"ServiceChecks":[{"ID":"service:web","Namespace":""}]`) {
			t.Errorf("session info: %s", info)
		}
		if p := api.do(s1, http.MethodGet, "/v1/session/info/"+plain, "").body; !strings.Contains(p, `"ServiceChecks":null`) {
			t.Errorf("a session without service checks: %s", p)
		}
		for _, k := range []struct{ key, id string }{{"held-bound", bound}, {"held-plain", plain}} {
			if got := api.do(c1, http.MethodPut, "/v1/kv/"+k.key+"?acquire="+k.id, "x").body; got != "true" {
				t.Fatalf("acquire %s: %s", k.key, got)
			}
		}

		// The service check goes critical: the bound session goes, its lock is free; the
		// other session and its lock stay.
		if r := api.do(c1, http.MethodPut, "/v1/agent/check/fail/service:web", ""); r.code != 200 {
			t.Fatalf("fail: %d %s", r.code, r.body)
		}
		c.waitFor(30*time.Second, "the bound session invalidated", func() bool {
			return api.do(s1, http.MethodGet, "/v1/session/info/"+bound, "").body == "[]"
		})
		var sessions []struct{ ID string }
		json.Unmarshal([]byte(list()), &sessions)
		if len(sessions) != 1 || sessions[0].ID != plain {
			t.Errorf("sessions after the check went critical: %+v, want only %s", sessions, plain)
		}
		if e := api.do(s1, http.MethodGet, "/v1/kv/held-bound", "").entries(t); e[0]["Session"] != nil {
			t.Errorf("held-bound after its session's check went critical: %+v", e)
		}
		if e := api.do(s1, http.MethodGet, "/v1/kv/held-plain", "").entries(t); e[0]["Session"] != plain {
			t.Errorf("held-plain, whose session is not bound to the check: %+v", e)
		}
	})
}
