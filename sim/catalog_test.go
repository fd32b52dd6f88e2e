package sim_test

import (
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/sim/runspec"
)

// service-health, as `consim run service-health --seed 1` runs it, twice with the same
// stream: the catalog story its comments tell, from the stream alone.
func TestServiceHealth(t *testing.T) {
	if testing.Short() {
		t.Skip("two 75 s runs: about 20 s of wall time")
	}
	res := runTwice(t, runspec.Spec{Scenario: builtin(t, "service-health"), Seed: 1})
	const cutStart, cutEnd = 15, 35 // seconds: the fault cut-client-2
	// first returns the time of the first event after `after` seconds that match accepts.
	first := func(after float64, match func(event.Event) bool) float64 {
		for _, ev := range res.Events {
			if s := ev.T.D().Seconds(); s > after && match(ev) {
				return s
			}
		}
		return -1
	}
	status := func(node, check, s string) func(event.Event) bool {
		return func(ev event.Event) bool {
			return ev.Type == event.CheckStatus && ev.Node == node && ev.Check == check && ev.Status == s
		}
	}
	applied := func(server, member, check, s string) func(event.Event) bool {
		return func(ev event.Event) bool {
			return ev.Type == event.CatalogApply && ev.Node == server && ev.Member == member && ev.Checks[check] == s
		}
	}
	// Every member reaches the catalog passing; every service instance is registered.
	for _, m := range []string{"server-1", "server-2", "server-3", "client-1", "client-2", "client-3"} {
		if first(0, applied("server-2", m, "serfHealth", "passing")) < 0 {
			t.Errorf("server-2 never applied %s's serfHealth passing", m)
		}
	}
	for _, m := range []string{"client-1", "client-2", "client-3"} {
		if at := first(0, func(ev event.Event) bool {
			return ev.Type == event.AESync && ev.Node == m && ev.Full && len(ev.Synced) > 0 && ev.Reason == ""
		}); at < 0 || at > 5 {
			t.Errorf("%s's first successful full sync at %.3f s, want within the first 5 s", m, at)
		}
	}
	// The leader during the story (one election: max_elections would say otherwise).
	leader := ""
	for _, ev := range res.Events {
		if ev.Type == event.RaftState && ev.State == event.RaftLeader && ev.T.D().Seconds() < cutStart {
			leader = ev.Node
		}
	}
	// The cut: the monitor's probe fails first, then gossip; the catalog follows each at
	// once, on every server.
	probe := first(cutStart, status("server-1", "probe-client-2", "critical"))
	serf := first(cutStart, applied(leader, "client-2", "serfHealth", "critical"))
	if probe < cutStart || probe > cutStart+3 || serf < probe || serf > cutEnd {
		t.Errorf("during the cut: probe critical at %.3f s, serfHealth critical (leader %s) at %.3f s", probe, leader, serf)
	}
	for _, s := range []string{"server-1", "server-2", "server-3"} {
		if at := first(cutStart, applied(s, "client-2", "serfHealth", "critical")); at < serf-1 || at > serf+1 {
			t.Errorf("%s applied client-2's serfHealth critical at %.3f s (leader %s at %.3f s)", s, at, leader, serf)
		}
	}
	// client-2's own web check never changes once it first passes: it checks itself. (Its
	// first run comes up to one 2 s interval after the agent starts, staggered at random:
	// it may come after 2 s.)
	passing := first(0, status("client-2", "service:web", "passing"))
	if passing < 0 || passing > cutStart {
		t.Errorf("client-2's localhost check first passing at %.3f s, want before the cut", passing)
	}
	if at := first(passing, func(ev event.Event) bool { return ev.Type == event.CheckStatus && ev.Node == "client-2" }); at >= 0 {
		t.Errorf("client-2's localhost check changed status at %.3f s, after passing at %.3f s", at, passing)
	}
	// After the heal: the probe passes again; serfHealth passing only once gossip has
	// client-2 alive again in the leader's view.
	if at := first(cutEnd, status("server-1", "probe-client-2", "passing")); at < cutEnd || at > cutEnd+3 {
		t.Errorf("probe passing again at %.3f s", at)
	}
	alive := first(cutEnd, func(ev event.Event) bool {
		return ev.Type == event.Member && ev.Node == leader && ev.Member == "client-2" && ev.Status == event.StatusAlive
	})
	if back := first(cutEnd, applied(leader, "client-2", "serfHealth", "passing")); alive < 0 || back < alive || back > alive+1 {
		t.Errorf("client-2 alive again for the leader %s at %.3f s, serfHealth passing at %.3f s", leader, alive, back)
	}
	// The db: the TTL lapses 10 s after its last update at 25 s; the script goes
	// warning, critical and passing at its first runs after 20, 30 and 40 s.
	if at := first(25, status("client-3", "db-ttl", "critical")); at != 35 {
		t.Errorf("db-ttl expired at %.3f s, want 35", at)
	}
	for _, c := range []struct {
		from   float64
		status string
	}{{20, "warning"}, {30, "critical"}, {40, "passing"}} {
		if at := first(c.from, status("client-3", "db-disk", c.status)); at < c.from || at > c.from+5 {
			t.Errorf("db-disk %s at %.3f s, want within 5 s after %.0f s", c.status, at, c.from)
		}
	}
}

// service-failover, as `consim run service-failover --seed 1` runs it, twice with the
// same stream: DNS and ?passing stop returning client-1 within a check interval of its
// check failing and as soon as the leader hears gossip declare it failed, but every
// lookup between its NIC going down and that moment still sent clients there.
func TestServiceFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("two 60 s runs with 40 lookups a second")
	}
	_, s := judgedTwice(t, "service-failover")
	d := s.Discovery
	if d == nil {
		t.Fatal("no discovery report")
	}
	for _, k := range []string{"dns/stale", "http/default", "http/stale"} {
		if c := d.Lookups[k]; c == nil || c.OK < 150 {
			t.Errorf("lookups %s: %+v, want hundreds answered", k, c)
		}
	}
	var check, node *checker.Episode
	for i, e := range d.Episodes {
		if e.Node != "client-1" {
			continue
		}
		switch {
		case e.Cause == "check" && e.StartS > 10 && e.StartS < 13:
			check = &d.Episodes[i]
		case e.Cause == "node" && e.StartS > 30 && e.StartS < 50:
			if node == nil {
				node = &d.Episodes[i]
			}
		}
	}
	if check == nil || check.EndS < 20 || check.EndS > 23 {
		t.Fatalf("client-1's check episode: %+v, want one from about 10-12 s to 20-22 s", check)
	}
	if node == nil || node.Fault != "flap-client-1" || node.UndetectedMS < 1000 {
		t.Fatalf("client-1's node episode: %+v, want one during flap-client-1, undetected for seconds", node)
	}
	stale := 0
	for _, n := range node.StaleUndetected {
		stale += n
	}
	if stale < 50 {
		t.Errorf("lookups that named client-1 while its NIC was down and nobody knew: %d, want many (%+v)", stale, node.StaleUndetected)
	}
	for k, lag := range node.LagMS {
		if lag > 500 {
			t.Errorf("%s kept returning client-1 %.0f ms after gossip declared it failed", k, lag)
		}
	}
}
