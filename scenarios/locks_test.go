package scenarios

import "testing"

// TestLockRules has a good and a bad case for every rule of workload.locks and of the
// lock expectations, merged into baseDoc (3 servers, no client agents, 10s).
func TestLockRules(t *testing.T) {
	c2 := "cluster: {servers: 3, clients: 2}\n"
	tests := []ruleCase{
		{"defaults", "workload: {locks: {}}\n", ""},
		{"docs example", c2 + "workload:\n  locks:\n    clients: 2\n    keys: [locks/leader]\n    agents: [client-1, client-2]\n" +
			"    hold: 60s\n    wait: 1s\n    ttl: 10s\n    lock_delay: 15s\n    fenced: true\n", ""},
		{"unknown field", "workload: {locks: {client: 2}}\n", `t.yaml:5:20: workload.locks.client: unknown field "client" (did you mean "clients"?); allowed in workload.locks: clients, keys, agents, hold, wait, ttl, lock_delay, fenced`},
		{"clients zero", "workload: {locks: {clients: 0}}\n", `t.yaml:5:29: workload.locks.clients: must be between 1 and 64, got 0`},
		{"clients 65", "workload: {locks: {clients: 65}}\n", `t.yaml:5:29: workload.locks.clients: must be between 1 and 64, got 65`},
		{"keys empty", "workload: {locks: {keys: []}}\n", `t.yaml:5:20: workload.locks.keys: must list 1 to 16 keys (leave it out for [locks/leader]), got 0`},
		{"key slash", "workload: {locks: {keys: [/a, b/]}}\n", `t.yaml:5:27: workload.locks.keys[0]: must be a KV key: not empty, not starting or ending with '/', got "/a"` + "\n" +
			`t.yaml:5:31: workload.locks.keys[1]: must be a KV key: not empty, not starting or ending with '/', got "b/"`},
		{"key twice", "workload: {locks: {keys: [a, a]}}\n", `t.yaml:5:30: workload.locks.keys[1]: "a" is listed twice`},
		{"key of the KV workload", "workload: {locks: {keys: [k3]}}\n", `t.yaml:5:27: workload.locks.keys[0]: "k3" is a key of the KV workload (k0, k1, ...): give locks keys of their own`},
		{"agents servers", "workload: {locks: {agents: [server-1, server-3]}}\n", ""},
		{"agent unknown", "workload: {locks: {agents: [client-1]}}\n", `t.yaml:5:29: workload.locks.agents[0]: no node "client-1": the cluster has no clients`},
		{"hold zero", "workload: {locks: {hold: 0s}}\n", `t.yaml:5:26: workload.locks.hold: must be above 0s and at most 1h0m0s, got 0s`},
		{"wait long", "workload: {locks: {wait: 2h}}\n", `t.yaml:5:26: workload.locks.wait: must be above 0s and at most 1h0m0s, got 2h0m0s`},
		{"ttl short", "workload: {locks: {ttl: 5s}}\n", `t.yaml:5:25: workload.locks.ttl: must be between 10s and 24h0m0s, got 5s`},
		{"ttl long", "workload: {locks: {ttl: 25h}}\n", `t.yaml:5:25: workload.locks.ttl: must be between 10s and 24h0m0s, got 25h0m0s`},
		{"lock_delay zero", "workload: {locks: {lock_delay: 0s}}\n", ""},
		{"lock_delay over cap", "workload: {locks: {lock_delay: 61s}}\n", `t.yaml:5:32: workload.locks.lock_delay: must be between 0s and 1m0s (Consul's cap), got 1m1s`},
		{"lock_delay negative", "workload: {locks: {lock_delay: -1s}}\n", `t.yaml:5:32: workload.locks.lock_delay: must be between 0s and 1m0s (Consul's cap), got -1s`},

		{"expect lock_overlaps", "workload: {locks: {fenced: true}}\nexpect: {lock_overlaps: 0, fenced_out_of_order: 0}\n", ""},
		{"expect lock_overlaps without locks", "workload: {}\nexpect: {lock_overlaps: 0}\n", `t.yaml:6:25: expect.lock_overlaps: needs lock clients (workload.locks), and this scenario has none`},
		{"expect lock_overlaps negative", "workload: {locks: {}}\nexpect: {lock_overlaps: -1}\n", `t.yaml:6:25: expect.lock_overlaps: must be 0 or more, got -1`},
		{"expect fenced without fenced", "workload: {locks: {}}\nexpect: {fenced_out_of_order: 0}\n", `t.yaml:6:31: expect.fenced_out_of_order: needs fenced writes (workload.locks.fenced: true)`},
	}
	checkRuleCases(t, tests)
}
