package scenarios

import "testing"

func TestExpectRules(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{"converge ok", "expect: {converge_within: 5s}\n", ""},
		{"converge after the end", "expect: {converge_within: 11s}\n", `t.yaml:5:27: expect.converge_within: must be above 0s and at most the duration (10s), got 11s`},
		{"verdict with a workload", "workload: {read_modes: [consistent]}\nexpect: {consistent: linearizable, default: any}\n", ""},
		{"verdict for a mode nobody reads", "workload: {read_modes: [consistent]}\nexpect: {stale: linearizable}\n", `t.yaml:6:17: expect.stale: needs a workload that reads in stale mode (workload.read_modes), and this scenario has none`},
		{"verdict without a workload", "expect: {consistent: linearizable}\n", `t.yaml:5:22: expect.consistent: needs a workload that reads in consistent mode (workload.read_modes), and this scenario has none`},
		{"verdict with a write-only workload", "workload: {mix: {put: 1}}\nexpect: {default: not-linearizable}\n", `t.yaml:6:19: expect.default: needs a workload that reads in default mode (workload.read_modes), and this scenario has none`},
		{"bad verdict", "workload: {}\nexpect: {consistent: maybe}\n", `t.yaml:6:22: expect.consistent: must be linearizable, not-linearizable or any, got "maybe"`},
		{"user events", "actions: [{at: 1s, event: {from: server-1, name: x}}]\nexpect: {user_events: delivered}\n", ""},
		{"user events none fired", "expect: {user_events: delivered}\n", `t.yaml:5:23: expect.user_events: needs a user event to judge (an actions entry with event:), and this scenario fires none`},
		{"bad user events", "expect: {user_events: most}\n", `t.yaml:5:23: expect.user_events: must be delivered (every user event reaches every member owed it, once), got "most"`},
		{"max elections", "expect: {max_elections: 1}\n", ""},
		{"zero elections", "expect: {max_elections: 0}\n", `t.yaml:5:25: expect.max_elections: must be at least 1, got 0`},
		{"check timeout", "expect: {check_timeout: 30s}\n", ""},
		{"check timeout too long", "expect: {check_timeout: 2h}\n", `t.yaml:5:25: expect.check_timeout: must be above 0s and at most 1h0m0s, got 2h0m0s`},
		{"unknown expectation", "expect: {lost_write: 0}\n", `t.yaml:5:10: expect.lost_write: unknown field "lost_write" (did you mean "lost_writes"?); allowed in expect: default, consistent, stale, converge_within, user_events, max_elections, lost_writes, false_failures, unexplained_failures, faults_effective, lock_overlaps, fenced_out_of_order, discovery_lag_max, catalog_converges, registrations_missing, registration_lag_max, check_timeout`},
		{"lost writes", "workload: {}\nexpect: {lost_writes: 0}\n", ""},
		{"lost writes negative", "workload: {}\nexpect: {lost_writes: -1}\n", `t.yaml:6:23: expect.lost_writes: must be 0 or more, got -1`},
		{"lost writes without a workload", "expect: {lost_writes: 0}\n", `t.yaml:5:23: expect.lost_writes: needs a workload that writes (workload.mix with put, cas or delete), and this scenario has none`},
		{"lost writes of a read-only workload", "workload: {mix: {get: 1}}\nexpect: {lost_writes: 0}\n", `t.yaml:6:23: expect.lost_writes: needs a workload that writes (workload.mix with put, cas or delete), and this scenario has none`},
		{"false failures", "expect: {false_failures: 0}\n", ""},
		{"false failures negative", "expect: {false_failures: -2}\n", `t.yaml:5:26: expect.false_failures: must be 0 or more, got -2`},
		{"faults effective", "faults: [{at: 1s, for: 1s, isolate: server-1}]\nexpect: {faults_effective: true}\n", ""},
		{"faults effective false", "expect: {faults_effective: false}\n", ""},
		{"faults effective without faults", "expect: {faults_effective: true}\n", `t.yaml:5:28: expect.faults_effective: needs faults, and this scenario has none`},
	})
}
