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
		{"user events", "expect: {user_events: delivered}\n", ""},
		{"bad user events", "expect: {user_events: most}\n", `t.yaml:5:23: expect.user_events: must be delivered (every user event reaches every member owed it, once), got "most"`},
		{"max elections", "expect: {max_elections: 1}\n", ""},
		{"zero elections", "expect: {max_elections: 0}\n", `t.yaml:5:25: expect.max_elections: must be at least 1, got 0`},
		{"unknown expectation", "expect: {lost_writes: 0}\n", `t.yaml:5:10: expect.lost_writes: unknown field "lost_writes"; allowed in expect: default, consistent, stale, converge_within, user_events, max_elections`},
	})
}
