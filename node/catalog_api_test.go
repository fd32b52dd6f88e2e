package node

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// Services defined on agents reach the catalog through anti-entropy; their checks decide
// ?passing; a TTL update reaches the catalog at once, and its expiry too; a blocking
// health query wakes on the change; a crashed node's serfHealth goes critical.
func TestCatalogServicesChecksAndSerfHealth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log := &catalogLog{}
		svcs := map[string][]ServiceDefinition{
			"client-1": {{Name: "web", Tags: []string{"v1"}, Port: 8080, Checks: []CheckDefinition{{TTL: 10 * time.Second}}}},
			"client-2": {{Name: "web", Tags: []string{"v2"}, Port: 8080, Checks: []CheckDefinition{
				{HTTP: "http://127.0.2.2:8080/health", Interval: time.Second, Timeout: 500 * time.Millisecond}}}},
		}
		c := newClusterWith(t, 11, 3, 2, withCatalog(t, log, svcs))
		serveOK(t, c.get("client-2"), 8080)
		joinMixed(c)
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s1, c1 := c.get("server-1"), c.get("client-1")

		c.waitFor(convergeBound, "every member in the catalog", func() bool {
			r := api.do(s1, http.MethodGet, "/v1/catalog/nodes", "")
			return strings.Count(r.body, `"Node":`) == 5
		})
		c.waitFor(30*time.Second, "client-2's web passing, client-1's critical", func() bool {
			return passingNodes(t, api, s1, "web") == "[client-2]"
		})
		if r := api.do(s1, http.MethodGet, "/v1/catalog/services", ""); r.body != `{"web":["v1","v2"]}` {
			t.Errorf("catalog/services: %s", r.body)
		}
		r := api.do(c1, http.MethodGet, "/v1/catalog/service/web?tag=v2", "")
		var sn []map[string]any
		json.Unmarshal([]byte(r.body), &sn)
		if len(sn) != 1 || sn[0]["Node"] != "client-2" || sn[0]["ServicePort"] != float64(8080) || sn[0]["Address"] != "127.0.2.2" {
			t.Errorf("catalog/service/web?tag=v2 through a client agent: %s", r.body)
		}
		if r := api.do(c1, http.MethodGet, "/v1/health/node/client-1", ""); !strings.Contains(r.body, `"CheckID":"serfHealth","Name":"Serf Health Status","Status":"passing"`) ||
			!strings.Contains(r.body, `"CheckID":"service:web","Name":"Service 'web' check","Status":"critical"`) {
			t.Errorf("health/node/client-1: %s", r.body)
		}
		// Read modes and headers, as KV reads have them.
		for _, q := range []string{"", "?stale", "?consistent"} {
			r := api.do(c.get("server-2"), http.MethodGet, "/v1/health/service/web"+q, "")
			want := map[string]string{"": "leader", "?stale": "stale", "?consistent": "consistent"}[q]
			if r.code != 200 || r.header.Get("X-Consul-Effective-Consistency") != want || r.header.Get("X-Consul-KnownLeader") != "true" || r.index() < 2 {
				t.Errorf("health/service/web%s on a follower: %d %v", q, r.code, r.header)
			}
		}

		// A TTL pass reaches the catalog within a round trip, not a full sync.
		idx := api.do(s1, http.MethodGet, "/v1/health/service/web", "").index()
		passed := time.Now()
		if r := api.do(c1, http.MethodPut, "/v1/agent/check/pass/service:web?note=fine", ""); r.code != 200 {
			t.Fatalf("check pass: %d %s", r.code, r.body)
		}
		took := c.waitFor(5*time.Second, "both instances passing", func() bool {
			return passingNodes(t, api, s1, "web") == "[client-1 client-2]"
		})
		if took > time.Second {
			t.Errorf("a TTL pass took %s to reach the catalog", took)
		}
		var checks map[string]struct{ Status, Output, Type string }
		json.Unmarshal([]byte(api.do(c1, http.MethodGet, "/v1/agent/checks", "").body), &checks)
		if ch := checks["service:web"]; ch.Status != "passing" || ch.Output != "fine" || ch.Type != "ttl" {
			t.Errorf("agent/checks on client-1: %+v", checks)
		}

		// A blocking query on the health of web wakes when the TTL runs out, 10 s after
		// the pass.
		r = api.do(s1, http.MethodGet, fmt.Sprintf("/v1/health/service/web?index=%d&wait=1m", api.do(s1, http.MethodGet, "/v1/health/service/web", "").index()), "")
		expiredAfter := time.Since(passed)
		if got := healthEntries(t, r)["client-1"]["service:web"]; got != "critical" || r.index() <= idx ||
			expiredAfter < 10*time.Second || expiredAfter > 11*time.Second {
			t.Errorf("blocking health query returned after %s with client-1 %q, index %d (before %d)", expiredAfter, got, r.index(), idx)
		}
		json.Unmarshal([]byte(api.do(c1, http.MethodGet, "/v1/agent/checks", "").body), &checks)
		if ch := checks["service:web"]; ch.Output != "TTL expired" {
			t.Errorf("expired TTL check: %+v", ch)
		}

		// Gossip says client-2 failed: the leader marks its serfHealth critical.
		c.crash("client-2")
		c.waitFor(30*time.Second, "client-2's serfHealth critical", func() bool {
			return healthEntries(t, api.do(s1, http.MethodGet, "/v1/health/service/web", ""))["client-2"]["serfHealth"] == "critical"
		})
		if got := passingNodes(t, api, s1, "web"); got != "[]" {
			t.Errorf("passing web instances with client-1's TTL expired and client-2 failed: %s", got)
		}
		if r := api.do(s1, http.MethodGet, "/v1/health/state/critical", ""); !strings.Contains(r.body, `"Output":"Agent not live or unreachable"`) {
			t.Errorf("health/state/critical: %s", r.body)
		}

		// What the observer heard: status changes on the agents, every server applying
		// writes, full syncs.
		for _, want := range [][]string{
			{"client-1 check service:web=passing"}, {"client-1 check service:web=critical"},
			{"client-2 check service:web=passing"}, {"client-1 sync full=true [service:web]"},
			{"client-1 sync full=false [check:service:web]"},
		} {
			if log.count(want...) == 0 {
				t.Errorf("observer never heard %q; heard:\n%s", want, strings.Join(log.lines, "\n"))
			}
		}
		for _, s := range c.servers() {
			if log.count(s.name+" applied register client-2") == 0 {
				t.Errorf("%s never applied client-2's registration", s.name)
			}
		}
	})
}

// Services registered and removed over the HTTP API follow to the catalog; bad input
// gets Consul's status codes and texts and changes nothing.
func TestAgentServiceEndpoints(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log := &catalogLog{}
		c := newClusterWith(t, 12, 1, 1, withCatalog(t, log, nil))
		c.join("client-1", "server-1")
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s1, c1 := c.get("server-1"), c.get("client-1")
		body := `{"ID":"db1","Name":"db","Tags":["primary"],"Port":5432,"Check":{"TTL":"30s","Status":"passing"},"Checks":[{"CheckID":"db-ttl2","TTL":"1m"}]}`
		if r := api.do(c1, http.MethodPut, "/v1/agent/service/register", body); r.code != 200 {
			t.Fatalf("register: %d %s", r.code, r.body)
		}
		c.waitFor(30*time.Second, "db in the catalog", func() bool {
			return strings.Contains(api.do(s1, http.MethodGet, "/v1/catalog/node/client-1", "").body, `"db1":{"ID":"db1","Service":"db","Tags":["primary"]`)
		})
		if r := api.do(c1, http.MethodGet, "/v1/agent/services", ""); r.body != `{"db1":{"ID":"db1","Service":"db","Tags":["primary"],"Meta":{},"Port":5432,"Address":"","Weights":{"Passing":1,"Warning":1},"EnableTagOverride":false,"Datacenter":"dc1"}}` {
			t.Errorf("agent/services: %s", r.body)
		}
		if r := api.do(s1, http.MethodGet, "/v1/health/checks/db", ""); !strings.Contains(r.body, `"CheckID":"db-ttl2"`) || !strings.Contains(r.body, `"CheckID":"service:db1:1","Name":"Service 'db' check","Status":"passing"`) {
			t.Errorf("health/checks/db: %s", r.body)
		}
		before := api.do(c1, http.MethodGet, "/v1/agent/checks", "").body
		for _, tc := range []struct {
			method, path, body string
			code               int
			text               string
		}{
			{"PUT", "/v1/agent/check/pass/nope", "", 404, `Unknown check ID "nope". Ensure that the check ID is passed, not the check name.`},
			{"PUT", "/v1/agent/check/update/db-ttl2", `{"Status":"fine"}`, 400, `Invalid check status: 'fine'`},
			{"PUT", "/v1/agent/service/register", `{"Name":"x","Check":{"HTTP":"http://127.0.2.1:1/"}}`, 400, "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks"},
			{"PUT", "/v1/agent/service/register", `{"Name":"x","Check":{"TTL":"-1s"}}`, 400, "Invalid check: TTL must be > 0 for TTL checks"},
			{"PUT", "/v1/agent/service/register", `{"Name":"x","Check":{"TTL":"soon"}}`, 400, "Request decode failed"},
			{"PUT", "/v1/agent/service/register", `{"Tags":["a"]}`, 400, "Missing service name"},
			{"PUT", "/v1/agent/service/register", `{"Name":"x","Check":{"Args":["/bin/true"],"Interval":"10s"}}`, 400, "Scripts are disabled on this agent"},
			{"PUT", "/v1/agent/service/deregister/nope", "", 404, `Unknown service ID "nope". Ensure that the service ID is passed, not the service name.`},
			{"GET", "/v1/agent/service/register", "", 405, "method GET not allowed"},
			{"GET", "/v1/catalog/service/", "", 400, "Missing service name"},
			{"GET", "/v1/catalog/node/", "", 400, "Missing node name"},
			{"GET", "/v1/health/state/", "", 400, "Missing check state"},
			{"GET", "/v1/health/service/db?passing=maybe", "", 400, "Invalid value for ?passing"},
			{"GET", "/v1/health/service/db?stale&consistent", "", 400, "Cannot specify ?stale with ?consistent, conflicting semantics."},
			{"GET", "/v1/catalog/nodes?index=x", "", 400, "Invalid index"},
			{"GET", "/v1/catalog/node/nobody", "", 200, "null"},
			{"GET", "/v1/health/state/bogus", "", 200, "[]"},
			{"GET", "/v1/health/service/nothing", "", 200, "[]"},
		} {
			r := api.do(c1, tc.method, tc.path, tc.body)
			if r.code != tc.code || !strings.Contains(r.body, tc.text) {
				t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, r.code, r.body, tc.code, tc.text)
			}
		}
		if r := api.do(c1, http.MethodPut, "/v1/agent/service/register", `{"Name":"x","Check":{"HTTP":"http://a/","Interval":"1s"}}`); r.code != 200 {
			t.Errorf("register a valid http check: %d %s", r.code, r.body)
		}
		if r := api.do(c1, http.MethodPut, "/v1/agent/check/pass/service:x", ""); r.code != 500 || r.body != `CheckID "service:x" does not have associated TTL` {
			t.Errorf("pass on an http check: %d %q", r.code, r.body)
		}
		api.do(c1, http.MethodPut, "/v1/agent/service/deregister/x", "")
		if after := api.do(c1, http.MethodGet, "/v1/agent/checks", "").body; after != before {
			t.Errorf("bad input changed the agent's checks:\n%s\nwas:\n%s", after, before)
		}
		if r := api.do(c1, http.MethodPut, "/v1/agent/service/deregister/db1", ""); r.code != 200 {
			t.Fatalf("deregister: %d %s", r.code, r.body)
		}
		c.waitFor(5*time.Second, "db gone from the catalog", func() bool {
			return api.do(s1, http.MethodGet, "/v1/catalog/services", "").body == `{}`
		})
		if log.count("client-1 sync full=false [deregister service:db1]") != 1 {
			t.Errorf("deregistration sync not reported once:\n%s", strings.Join(log.lines, "\n"))
		}
	})
}

// An agent without the catalog refuses registrations, and its servers keep no catalog.
func TestCatalogOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 13, 1, 0, withAPI(t))
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s1 := c.get("server-1")
		if r := api.do(s1, http.MethodPut, "/v1/agent/service/register", `{"Name":"web"}`); r.code != 400 || !strings.Contains(r.body, "service catalog is off") {
			t.Errorf("register without the catalog: %d %s", r.code, r.body)
		}
		time.Sleep(3 * time.Second)
		if r := api.do(s1, http.MethodGet, "/v1/catalog/nodes", ""); r.body != "[]" || r.index() != 1 {
			t.Errorf("catalog/nodes without the catalog: %s at %d", r.body, r.index())
		}
	})
}

// A script check's exit status decides, as Consul documents: 0 passing, 1 warning,
// anything else critical.
func TestScriptCheck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log := &catalogLog{}
		start := time.Now()
		script := func() (int, string) {
			switch el := time.Since(start); {
			case el < 10*time.Second:
				return 0, "ok"
			case el < 20*time.Second:
				return 1, "slow"
			default:
				return 2, "down"
			}
		}
		svcs := map[string][]ServiceDefinition{"server-1": {{Name: "job", Checks: []CheckDefinition{{ID: "job", Script: script, Interval: 2 * time.Second}}}}}
		c := newClusterWith(t, 14, 1, 0, withCatalog(t, log, svcs))
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		s1 := c.get("server-1")
		for _, want := range []string{"passing", "warning", "critical"} {
			c.waitFor(25*time.Second, "job "+want+" in the catalog", func() bool {
				return healthEntries(t, api.do(s1, http.MethodGet, "/v1/health/service/job", ""))["server-1"]["job"] == want
			})
		}
		if n := log.count("server-1 check job="); n != 4 { // registered critical, then three changes
			t.Errorf("%d status reports for job, want 4:\n%s", n, strings.Join(log.lines, "\n"))
		}
	})
}
