package checker

import (
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// regCall is agent mon's handler registering (or deregistering) ne-MEMBER at ms.
func regCall(ms int, op, member string, code int) event.Event {
	return event.Event{T: atMS(ms), Type: event.Registration, Node: "mon", Handler: "monitoring", Op: op, Member: member, Service: "ne-" + member, Code: code}
}

// catalogWrite is server applying raft index index at ms: op of mon's instance of member
// ("" for the whole of mon's node).
func catalogWrite(ms int, server string, index uint64, op, member string) event.Event {
	ev := event.Event{T: atMS(ms), Type: event.CatalogApply, Node: server, Index: index, Op: op, Member: "mon"}
	if member != "" {
		ev.Service = "ne-" + member
	}
	return ev
}

func joinAt(ms int, node string) event.Event {
	return event.Event{T: atMS(ms), Type: event.Join, Node: node, Addr: "127.0.1.1:8301"}
}

func neLookup(ms int, iface string, instances ...string) event.Event {
	return event.Event{T: atMS(ms + 2), Type: event.Lookup, Client: "d1", Service: "ne", Interface: iface, Mode: "default",
		Status: event.StatusOK, Took: event.Duration(2 * time.Millisecond), Instances: instances}
}

func TestRegistrations(t *testing.T) {
	evs := []event.Event{
		// a joins at 1 s, is registered, and the catalog holds it at 1.5 s (s2 applies
		// the same index later: the catalog changed once); DNS finds it at 2 s, HTTP at 3 s.
		joinAt(1000, "a"), regCall(1100, "register", "a", 200),
		catalogWrite(1500, "s1", 5, "register", "a"), catalogWrite(1600, "s2", 5, "register", "a"),
		neLookup(1400, "dns", "a"), // asked before the catalog held it: does not count
		neLookup(2000, "dns", "a"), neLookup(2500, "http"), neLookup(3000, "http", "a"),
		// b joins at 3 s; the agent refuses its registration: never in the catalog.
		joinAt(3000, "b"), regCall(3100, "register", "b", 500),
		// a crashes at 5 s (kept: no deregistration) and rejoins at 8 s: held already.
		{T: atMS(5000), Type: event.NodeDown, Node: "a"}, joinAt(8000, "a"),
		// mon's whole node is deregistered at 9 s (a reap): a's instance goes with it;
		// a joins again at 10 s and is registered at 11 s.
		catalogWrite(9000, "s1", 7, "deregister", ""),
		joinAt(10000, "a"), regCall(10100, "register", "a", 200), catalogWrite(11000, "s1", 9, "register", "a"),
		// c joins at 12 s and leaves at 14 s before its registration reaches the catalog
		// at 15 s: missing.
		joinAt(12000, "c"), regCall(12100, "register", "c", 200), {T: atMS(14000), Type: event.Leave, Node: "c"},
		regCall(14100, "deregister", "c", 200), catalogWrite(15000, "s1", 11, "register", "c"),
		// a failed join is no join.
		{T: atMS(16000), Type: event.Join, Node: "d", Reason: "no route"},
		{T: atMS(20000), Type: event.RunEnd},
	}
	r := Registrations(NewRun(evs))
	if r == nil {
		t.Fatal("no report")
	}
	if r.Missing != 2 || len(r.Joins) != 5 || len(r.Services) != 1 || r.Services[0] != "ne" {
		t.Fatalf("report %+v, want 5 joins of ne, 2 missing", r)
	}
	if r.Calls["register/ok"] != 3 || r.Calls["register/failed"] != 1 || r.Calls["deregister/ok"] != 1 {
		t.Errorf("calls %v", r.Calls)
	}
	f := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	for i, want := range []struct {
		member             string
		catalog, dns, http float64
		already, missing   bool
	}{
		{"a", 500, 1000, 2000, false, false},
		{"b", -1, -1, -1, false, true},
		{"a", 0, -1, -1, true, false},
		{"a", 1000, -1, -1, false, false},
		{"c", -1, -1, -1, false, true},
	} {
		j := r.Joins[i]
		if j.Member != want.member || f(j.CatalogMS) != want.catalog || f(j.DNSMS) != want.dns || f(j.HTTPMS) != want.http || j.Already != want.already || j.Missing != want.missing {
			t.Errorf("join %d: %+v (catalog %v dns %v http %v), want %+v", i, j, f(j.CatalogMS), f(j.DNSMS), f(j.HTTPMS), want)
		}
	}
	if r.MaxCatalogLagMS != 1000 || r.CatalogLagMS == nil || r.CatalogLagMS.Max != 1000 {
		t.Errorf("catalog lag max %v, %+v", r.MaxCatalogLagMS, r.CatalogLagMS)
	}
	if r.Joins[2].EndS != 10 || r.Joins[4].EndS != 14 {
		t.Errorf("joins' ends %v and %v, want 10 (a joined again) and 14 (c left)", r.Joins[2].EndS, r.Joins[4].EndS)
	}
}

// A run whose handlers registered nothing has no report.
func TestRegistrationsNone(t *testing.T) {
	if r := Registrations(NewRun([]event.Event{joinAt(1000, "a"), neLookup(2000, "dns", "a")})); r != nil {
		t.Errorf("report %+v for a run without registrations", r)
	}
}
