package scenarios

import (
	"testing"
	"time"
)

// svcBase has clients for services to run on. Fragments start at line 4.
const svcBase = "cluster: {servers: 3, clients: 2}\n"

// TestServiceRules has a good and a bad case for every rule of the services and
// anti_entropy sections and of the check action.
func TestServiceRules(t *testing.T) {
	var tests []ruleCase
	for _, tc := range []ruleCase{
		{"all kinds", "services:\n  - name: web\n    nodes: [client-1, client-2]\n    tags: [v1]\n    port: 8080\n    checks:\n" +
			"      - {http: \"http://localhost:8080/health\", interval: 2s, timeout: 1s}\n      - {ttl: 30s, status: passing}\n" +
			"      - {id: disk, name: Disk, script: [{at: 0s, exit: 0}, {at: 5s, exit: 2, output: full}], interval: 1s}\n" +
			"  - {name: db, id: db-main, nodes: [server-1], checks: [{http: \"http://client-2:8080/\", interval: 5s}]}\n" +
			"anti_entropy: {interval: 30s}\n" +
			"actions:\n  - {at: 1s, check: {node: client-1, id: \"service:web:2\", status: warning, output: slow}}\n", ""},
		{"no name", "services:\n  - {nodes: [client-1]}\n", `t.yaml:5:5: services[0].name: required field is missing`},
		{"bad name", "services:\n  - {name: Web_1, nodes: [client-1]}\n", `t.yaml:5:12: services[0].name: must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (a DNS label), got "Web_1"`},
		{"no nodes", "services:\n  - {name: web}\n", `t.yaml:5:5: services[0].nodes: required field is missing`},
		{"unknown node", "services:\n  - {name: web, nodes: [client-3]}\n", `t.yaml:5:25: services[0].nodes[0]: no node "client-3": clients are client-1 to client-2`},
		{"node twice", "services:\n  - {name: web, nodes: [client-1, client-1]}\n", `t.yaml:5:35: services[0].nodes[1]: client-1 is listed twice`},
		{"agent port", "services:\n  - {name: web, nodes: [client-1], port: 8500}\n", `t.yaml:5:42: services[0].port: 8500 is an agent's port ([8300 8301 8303 8500 8600] are taken on every node)`},
		{"same id twice", "services:\n  - {name: web, nodes: [client-1]}\n  - {name: web, nodes: [client-1]}\n", `t.yaml:6:25: services[1].nodes[0]: client-1 already runs a service with ID "web" (services[0]): give one an id`},
		{"same port twice", "services:\n  - {name: web, nodes: [client-1], port: 80}\n  - {name: api, nodes: [client-1], port: 80}\n", `t.yaml:6:25: services[1].nodes[0]: client-1 already has a service on port 80 (services[0])`},
		{"check no kind", "services:\n  - {name: web, nodes: [client-1], checks: [{interval: 1s}]}\n", `t.yaml:5:45: services[0].checks[0]: write one of ttl, http, script`},
		{"check two kinds", "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 1s, http: \"http://localhost:1/\"}]}\n", `t.yaml:5:45: services[0].checks[0]: write exactly one of ttl, http, script; found ttl and http`},
		{"http no interval", "services:\n  - {name: web, nodes: [client-1], checks: [{http: \"http://localhost:1/\"}]}\n", `t.yaml:5:45: services[0].checks[0].interval: is required for http checks (how often the check runs)`},
		{"interval short", "services:\n  - {name: web, nodes: [client-1], checks: [{http: \"http://localhost:1/\", interval: 100ms}]}\n", `t.yaml:5:85: services[0].checks[0].interval: must be between 1s and 1h0m0s, got 100ms`},
		{"ttl interval", "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 5s, interval: 1s}]}\n", `t.yaml:5:65: services[0].checks[0].interval: a ttl check has no interval (its TTL is how often it must be updated)`},
		{"timeout on ttl", "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 5s, timeout: 1s}]}\n", `t.yaml:5:64: services[0].checks[0].timeout: applies only to http checks`},
		{"bad url", "services:\n  - {name: web, nodes: [client-1], checks: [{http: \"ftp://x/\", interval: 1s}]}\n", `t.yaml:5:52: services[0].checks[0].http: must be an http:// URL with a host, like http://localhost:8080/health, got "ftp://x/"`},
		{"url host", "services:\n  - {name: web, nodes: [client-1], checks: [{http: \"http://web.example:80/\", interval: 1s}]}\n", `t.yaml:5:52: services[0].checks[0].http: host "web.example" is not localhost, a node of the cluster or an IP address (there is no DNS in the simulation)`},
		{"bad status", "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 5s, status: ok}]}\n", `t.yaml:5:63: services[0].checks[0].status: must be one of passing, warning, critical, got "ok"`},
		{"script empty", "services:\n  - {name: web, nodes: [client-1], checks: [{script: [], interval: 1s}]}\n", `t.yaml:5:46: services[0].checks[0].script: must list at least one step ({at: 0s, exit: 0})`},
		{"script order", "services:\n  - {name: web, nodes: [client-1], checks: [{script: [{at: 2s, exit: 0}, {at: 1s, exit: 1}], interval: 1s}]}\n", `t.yaml:5:79: services[0].checks[0].script[1].at: must come after the previous step (2s): list steps in time order`},
		{"script exit", "services:\n  - {name: web, nodes: [client-1], checks: [{script: [{at: 0s, exit: 300}], interval: 1s}]}\n", `t.yaml:5:70: services[0].checks[0].script[0].exit: must be an exit status, 0 to 255, got 300`},
		{"script no exit", "services:\n  - {name: web, nodes: [client-1], checks: [{script: [{at: 0s}], interval: 1s}]}\n", `t.yaml:5:55: services[0].checks[0].script[0].exit: required field is missing`},
		{"check id twice", "services:\n  - {name: web, nodes: [client-1], checks: [{id: a, ttl: 1s}, {id: a, ttl: 2s}]}\n", `t.yaml:5:68: services[0].checks[1].id: check ID "a" is used twice in this service`},
		{"anti-entropy short", "anti_entropy: {interval: 10ms}\n", `t.yaml:4:26: anti_entropy.interval: must be between 1s and 24h0m0s, got 10ms`},
		{"check action unknown id", "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 5s}]}\nactions:\n  - {at: 1s, check: {node: client-1, id: web, status: passing}}\n",
			`t.yaml:7:42: actions[0].check.id: client-1 has no check "web"; its checks are service:web`},
		{"check action not ttl", "services:\n  - {name: web, nodes: [client-1], checks: [{http: \"http://localhost:1/\", interval: 1s}]}\nactions:\n  - {at: 1s, check: {node: client-1, id: \"service:web\", status: passing}}\n",
			`t.yaml:7:42: actions[0].check.id: "service:web" is an http check: only ttl checks are updated by actions`},
		{"check action no services", "actions:\n  - {at: 1s, check: {node: client-2, id: x, status: passing}}\n", `t.yaml:5:42: actions[0].check.id: client-2 runs no service with checks (services:)`},
		{"check action status", "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 5s}]}\nactions:\n  - {at: 1s, check: {node: client-1, id: \"service:web\", status: up}}\n",
			`t.yaml:7:65: actions[0].check.status: must be one of passing, warning, critical, got "up"`},
		{"check action node down", "services:\n  - {name: web, nodes: [client-1], checks: [{ttl: 5s}]}\nactions:\n  - {at: 1s, fail: client-1}\n  - {at: 2s, check: {node: client-1, id: \"service:web\", status: passing}}\n",
			`t.yaml:8:28: actions[1].check.node: client-1 is not running at 2s: it failed at 1s`},
	} {
		tc.fragment = svcBase + tc.fragment
		tests = append(tests, tc)
	}
	checkRuleCases(t, tests)
}

// Default check IDs are Consul's, and a script is in force from each step's time on.
func TestServiceDefaults(t *testing.T) {
	s := Service{Name: "web", Checks: []Check{{TTL: Duration(time.Second)}}}
	if got := s.CheckID(0); got != "service:web" {
		t.Errorf("one check: %q", got)
	}
	s = Service{Name: "web", ID: "web-1", Checks: []Check{{TTL: 1}, {ID: "x", TTL: 1}, {TTL: 1}}}
	if got := []string{s.CheckID(0), s.CheckID(1), s.CheckID(2)}; got[0] != "service:web-1:1" || got[1] != "x" || got[2] != "service:web-1:3" {
		t.Errorf("three checks: %q", got)
	}
	steps := []ScriptStep{{At: Duration(time.Second), Exit: 1}, {At: Duration(3 * time.Second), Exit: 2}}
	for _, c := range []struct {
		at   time.Duration
		exit int
	}{{0, 0}, {time.Second, 1}, {2 * time.Second, 1}, {3 * time.Second, 2}, {time.Hour, 2}} {
		if got := ScriptAt(steps, c.at).Exit; got != c.exit {
			t.Errorf("exit at %s = %d, want %d", c.at, got, c.exit)
		}
	}
}
