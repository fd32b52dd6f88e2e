package gen

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
)

// ServiceName is the one service generated scenarios run.
const ServiceName = "web"

// discoveryLagMax bounds, in generated scenarios with no fault, how long lookups may
// still return an instance after its check went critical on its agent: the agent pushes
// the change to the catalog at once (a raft write, fsync at most 50 ms) and every server
// applies it within a heartbeat, so a correct cluster stops returning it in well under a
// second. With faults no bound holds: a stale read from a server cut off from the leader
// returns what it last knew for as long as the cut lasts (dns.max_stale defaults to ten
// years), and a push that found no leader waits for the next anti-entropy sync.
const discoveryLagMax = 3 * time.Second

// criticalFrom is the earliest a generated check goes critical: by then the servers have
// a leader and every agent has registered its node, so the agent's push reaches the
// catalog (a push that found no leader would wait for anti-entropy, a minute or more).
const criticalFrom = 5 * time.Second

// episode is how long a generated check stays critical at least (to the end of the run
// when it has room).
const episode = 8 * time.Second

// drawServices draws, half of the time, a service and the discovery workload that looks
// it up: web on one to three agents (client agents first), each with a script check
// (every 1 to 3 s, passing from the start); the first instance's check goes critical at
// a drawn time and, or not, passes again 8 s later; one or two discovery
// clients look web up over DNS, HTTP or both, from the workload's start.
func drawServices(t *rapid.T, sc *scenarios.Scenario) {
	if !rapid.Bool().Draw(t, "services") {
		return
	}
	names := sc.NodeNames()
	agents := append(names[sc.Cluster.Servers:], names[:sc.Cluster.Servers]...) // clients first
	n := rapid.IntRange(1, min(3, len(agents))).Draw(t, "service_nodes")
	interval := scenarios.Duration(time.Duration(rapid.IntRange(1, 3).Draw(t, "check_interval_s")) * time.Second)
	passing := scenarios.ScriptStep{At: 0, Exit: 0, Output: "HTTP 200"}
	// A critical step from criticalFrom to 8 s before the end, and a recovery (if any) 8 s
	// after it: the episode then lasts well past discoveryLagMax, long enough for lookups
	// to show whether DNS and ?passing still return the instance.
	last := max(criticalFrom, sc.Duration.D()-episode)
	at := criticalFrom + time.Duration(rapid.IntRange(0, int((last-criticalFrom)/(100*time.Millisecond))).Draw(t, "critical_100ms"))*100*time.Millisecond
	script := []scenarios.ScriptStep{passing, {At: scenarios.Duration(at), Exit: 2, Output: "HTTP 503"}}
	if back := at + episode; back < sc.Duration.D()-time.Second && rapid.Bool().Draw(t, "recovers") {
		script = append(script, scenarios.ScriptStep{At: scenarios.Duration(back), Exit: 0, Output: "HTTP 200"})
	}
	check := func(s []scenarios.ScriptStep) []scenarios.Check {
		return []scenarios.Check{{Status: scenarios.StatusPassing, Interval: interval, Script: s}}
	}
	sc.Services = []scenarios.Service{{Name: ServiceName, Nodes: agents[:1], Port: 8080, Checks: check(script)}}
	if n > 1 {
		sc.Services = append(sc.Services, scenarios.Service{Name: ServiceName, Nodes: agents[1:n], Port: 8080,
			Checks: check([]scenarios.ScriptStep{passing})})
	}
	interfaces := [][]string{{scenarios.LookupDNS}, {scenarios.LookupHTTP}, {scenarios.LookupDNS, scenarios.LookupHTTP}}
	d := &scenarios.Discovery{
		Clients:    rapid.IntRange(1, 2).Draw(t, "discovery_clients"),
		Rate:       scenarios.Rate(rapid.IntRange(2, 20).Draw(t, "discovery_rate_per_s")),
		Interfaces: rapid.SampledFrom(interfaces).Draw(t, "discovery_interfaces"),
		Start:      scenarios.Duration(workloadStart),
	}
	d.ReadModes = drawReadModes(t, "discovery_read_modes")
	vias := viasOf(sc)
	d.Via = []string{rapid.SampledFrom(vias).Draw(t, "discovery_via")}
	sc.Discovery = d
}

// criticalSteps are the times of sc's script steps after the start, the moments a
// generated check changes: shrinking moves them with the faults and actions.
func criticalSteps(sc *scenarios.Scenario) []scenarios.Duration {
	var out []scenarios.Duration
	for _, s := range sc.Services {
		for _, c := range s.Checks {
			for _, st := range c.Script {
				if st.At > 0 {
					out = append(out, st.At)
				}
			}
		}
	}
	return out
}

// shiftSteps moves sc's script steps after the start earlier by d (not below criticalFrom).
func shiftSteps(sc *scenarios.Scenario, d scenarios.Duration) {
	for i := range sc.Services {
		for j := range sc.Services[i].Checks {
			for k, st := range sc.Services[i].Checks[j].Script {
				if st.At > 0 {
					sc.Services[i].Checks[j].Script[k].At = max(scenarios.Duration(criticalFrom), st.At-d)
				}
			}
		}
	}
}

// describeServices says what sc's services are, for describe.
func describeServices(sc *scenarios.Scenario) string {
	n := 0
	for _, s := range sc.Services {
		n += len(s.Nodes)
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %s on %d node(s)", ServiceName, n)
}
