package sim_test

import (
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// join-monitoring, as `consim run join-monitoring --seed 1` runs it, twice with the same
// stream: client-1's member-join handler registers every member that joins through its
// own agent, deregisters those that leave, keeps the crashed one, and never hears of the
// join that came and went while it was cut off; lookups find each registered member at
// its own address, but none while client-1 itself is declared failed.
func TestJoinMonitoring(t *testing.T) {
	if testing.Short() {
		t.Skip("two 60 s runs with 20 lookups a second")
	}
	res, s := judgedTwice(t, "join-monitoring")
	r := s.Registrations
	if r == nil {
		t.Fatal("no registrations report")
	}
	// Every handler call went to client-1's own agent and was answered.
	for _, ev := range res.Events {
		if ev.Type == event.Registration && (ev.Node != "client-1" || ev.Code != 200) {
			t.Errorf("registration call %s", ev.Describe())
		}
	}
	if r.Calls["deregister/ok"] != 2 {
		t.Errorf("deregistrations %d, want 2 (client-3 at 10 s and client-5 at 25 s left while client-1 heard it): %v", r.Calls["deregister/ok"], r.Calls)
	}
	joins := map[string][]checker.JoinRegistration{}
	for _, j := range r.Joins {
		joins[j.Member] = append(joins[j.Member], j)
	}
	// Boot: the seven members that joined server-1 are registered within seconds.
	for _, m := range []string{"server-2", "server-3", "client-1", "client-2", "client-3", "client-4", "client-5"} {
		if j := joins[m][0]; j.Missing || *j.CatalogMS > 3000 || j.DNSMS == nil || j.HTTPMS == nil {
			t.Errorf("%s's boot join: %+v, want registered within 3 s and found over DNS and HTTP", m, j)
		}
	}
	// client-3 rejoins at 16 s: registered anew (it was deregistered when it left).
	if js := joins["client-3"]; len(js) != 2 || js[1].AtS < 16 || js[1].Already || js[1].Missing || *js[1].CatalogMS > 1000 {
		t.Errorf("client-3's joins: %+v, want a second one at 16 s registered anew within a second", js)
	}
	// client-5 joins at 33 s while client-1 is cut off and leaves at 40 s: never registered.
	if js := joins["client-5"]; len(js) != 2 || !js[1].Missing || r.Missing != 1 {
		t.Errorf("client-5's joins: %+v (missing %d), want the second one missing and no other", js, r.Missing)
	}
	// client-4 crashed at 20 s (member-failed: kept) and rejoins at 39 s: still in the
	// catalog, but no lookup finds it before client-1 is healthy again after the cut.
	if js := joins["client-4"]; len(js) != 2 || !js[1].Already || js[1].DNSMS == nil || js[1].AtS+*js[1].DNSMS/1000 < 45 {
		t.Errorf("client-4's joins: %+v, want the second one already registered and found only after 45 s", js)
	}
	// While client-1 is declared failed, its serfHealth is critical, and every instance
	// it registered is on its node: lookups find none of them.
	empty := 0
	for _, ev := range res.Events {
		if ev.Type == event.Lookup && ev.T.D().Seconds() > 39 && ev.T.D().Seconds() < 44 && ev.Status == event.StatusOK {
			if len(ev.Instances) != 0 {
				t.Errorf("lookup while client-1 was failed found %v", ev.Instances)
			}
			empty++
		}
	}
	if empty < 30 {
		t.Errorf("%d answered lookups from 39 s to 44 s, want many", empty)
	}
}
