package checker

import (
	"reflect"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

func checkStatus(ms int, node, status string) event.Event {
	return event.Event{T: atMS(ms), Type: event.CheckStatus, Node: node, Check: "service:web", Service: "web", Status: status}
}

// lookupAt is a lookup asked at ms, answered 2 ms later with instances.
func lookupAt(ms int, iface, mode string, instances ...string) event.Event {
	return event.Event{T: atMS(ms + 2), Type: event.Lookup, Client: "d1", Service: "web", Interface: iface, Mode: mode,
		Status: event.StatusOK, Took: event.Duration(2 * time.Millisecond), Instances: instances}
}

func memberAt(ms int, observer, member, status string) event.Event {
	return event.Event{T: atMS(ms), Type: event.Member, Node: observer, Member: member, Status: status}
}

func applied(ms int, server, member, check, status string) event.Event {
	return event.Event{T: atMS(ms), Type: event.CatalogApply, Node: server, Member: member, Op: "register", Checks: map[string]string{check: status}}
}

// history is a and b running web; a's check is critical from 10 s to 20 s; b's node
// fails at 30 s (declared by s1, 5 s into a cut) and is back at 40 s. stale are the
// lookups that still name the unhealthy instance.
func history(stale ...event.Event) []event.Event {
	evs := []event.Event{
		{T: atMS(0), Type: event.NodeUp, Node: "s1"}, {T: atMS(0), Type: event.NodeUp, Node: "a"}, {T: atMS(0), Type: event.NodeUp, Node: "b"},
		checkStatus(100, "a", "passing"), checkStatus(100, "b", "passing"),
		applied(200, "s1", "a", "service:web", "passing"), applied(200, "s1", "b", "service:web", "passing"),
		applied(200, "s1", "a", "serfHealth", "passing"), applied(200, "s1", "b", "serfHealth", "passing"), applied(200, "s1", "s1", "serfHealth", "passing"),
		lookupAt(5000, "dns", "stale", "a", "b"),
		checkStatus(10000, "a", "critical"), applied(10010, "s1", "a", "service:web", "critical"),
		lookupAt(10100, "dns", "stale", "b"), lookupAt(10200, "http", "default", "b"),
		checkStatus(20000, "a", "passing"), applied(20010, "s1", "a", "service:web", "passing"),
		{T: atMS(25000), Type: event.FaultStart, Name: "cut-b", FaultFields: event.FaultFields{Kind: "isolate", Targets: []string{"b"}}},
		lookupAt(27000, "dns", "stale", "a", "b"),
		memberAt(30000, "s1", "b", "failed"), applied(30005, "s1", "b", "serfHealth", "critical"),
		lookupAt(30100, "dns", "stale", "a"), lookupAt(30200, "http", "default", "a"),
		{T: atMS(39000), Type: event.FaultEnd, Name: "cut-b", FaultFields: event.FaultFields{Kind: "isolate"}},
		memberAt(40000, "s1", "b", "alive"), applied(40005, "s1", "b", "serfHealth", "passing"),
		lookupAt(41000, "dns", "stale", "a", "b"),
	}
	evs = append(evs, stale...)
	for i := 1; i < len(evs); i++ { // keep time order
		for j := i; j > 0 && evs[j].T < evs[j-1].T; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
	return evs
}

// A good history: lookups drop each unhealthy instance at once; the node's failure went
// unnoticed for 5 s of its cut, in which one lookup named it; the catalog agrees at the end.
func TestDiscoveryFreshnessGood(t *testing.T) {
	r := DiscoveryFreshness(NewRun(history()))
	if r == nil || r.MaxLagMS != 0 || len(r.Episodes) != 2 {
		t.Fatalf("report: %+v", r)
	}
	check, node := r.Episodes[0], r.Episodes[1]
	if check.Cause != "check" || check.Node != "a" || check.StartS != 10 || check.EndS != 20 ||
		!reflect.DeepEqual(check.LagMS, map[string]float64{"dns/stale": 0, "http/default": 0}) || len(check.Stale) != 0 {
		t.Errorf("check episode: %+v", check)
	}
	if node.Cause != "node" || node.Node != "b" || node.StartS != 30 || node.EndS != 40 || node.Fault != "cut-b" ||
		node.UndetectedMS != 5000 || !reflect.DeepEqual(node.StaleUndetected, map[string]int{"dns/stale": 1}) {
		t.Errorf("node episode: %+v", node)
	}
	if c := r.Lookups["dns/stale"]; c == nil || c.OK != 5 || c.Failed != 0 {
		t.Errorf("dns/stale lookups: %+v", c)
	}
	if c := CatalogConvergenceOf(NewRun(history())); c == nil || !c.Converged {
		t.Errorf("catalog: %+v", c)
	}
}

// A bad history: DNS keeps returning a's instance 3 s into its critical check and b's 1 s
// after its node was declared failed; the catalog never learns that a passes again.
func TestDiscoveryFreshnessBad(t *testing.T) {
	evs := history(lookupAt(13000, "dns", "stale", "a", "b"), lookupAt(31000, "dns", "stale", "a", "b"))
	r := DiscoveryFreshness(NewRun(evs))
	if r.MaxLagMS != 3000 || r.Episodes[0].LagMS["dns/stale"] != 3000 || r.Episodes[0].Stale["dns/stale"] != 1 ||
		r.Episodes[1].LagMS["dns/stale"] != 1000 || r.Episodes[0].LagMS["http/default"] != 0 {
		t.Errorf("report: %+v", r)
	}
	if p := r.LagMS["dns/stale"]; p == nil || p.Max != 3000 || p.P50 != 1000 {
		t.Errorf("dns/stale lag: %+v", p)
	}
	var lost []event.Event
	for _, ev := range evs {
		if !(ev.Type == event.CatalogApply && ev.Member == "a" && ev.T == atMS(20010)) {
			lost = append(lost, ev)
		}
	}
	c := CatalogConvergenceOf(NewRun(lost))
	if c.Converged || !reflect.DeepEqual(c.Disagreements, []string{"s1: a service:web is critical, want passing"}) {
		t.Errorf("catalog: %+v", c)
	}
}
