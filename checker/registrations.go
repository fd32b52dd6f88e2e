package checker

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/consim/consim/event"
)

// Registrations: for a run with register_service handlers (a monitoring agent that
// registers a service for every member that joins), how long after each member joined
// the catalog, and lookups over DNS and HTTP, showed its registration, and which members
// were never registered.
//
// A join is a successful join event of a member (the node every other node joined
// through at boot joined nobody, and is not one). It lasts until the member leaves, goes
// down or joins again, or the stream ends. For each service the handlers register (the
// names in registration events) and each join:
//   - catalog: the first moment, during the join, at which the catalog held the member's
//     instance (its ID, NAME-MEMBER): the first server to apply a raft index is when the
//     catalog changed; an instance already held when the member joined counts from the
//     join, with a lag of 0 (a member that failed and came back was never deregistered);
//   - dns, http: the first lookup of the service over that interface, asked during the
//     join and after the catalog held the instance, that sent the client to the member;
//   - missing: the catalog never held the instance during the join (the monitoring agent
//     never heard of it, its call failed, or anti-entropy could not reach a server before
//     the member left again).

// RegistrationReport is summary.json's registrations.
type RegistrationReport struct {
	// Services are the services registered for members, by name.
	Services []string `json:"services"`
	// Calls counts the handlers' calls to their agents per "op/outcome" (register/ok,
	// deregister/failed, ...): a call failed without a 200.
	Calls map[string]int `json:"calls"`
	// Joins are the members' joins, per service, in time order.
	Joins []JoinRegistration `json:"joins"`
	// Missing counts the joins whose instance the catalog never held.
	Missing int `json:"missing"`
	// CatalogLagMS is the distribution of the registered joins' catalog lags, and
	// MaxCatalogLagMS its largest (0 without any); DNSLagMS and HTTPLagMS are the lags to
	// the first lookup that found the member, over the joins one found.
	CatalogLagMS    *Percentiles `json:"catalog_lag_ms,omitempty"`
	MaxCatalogLagMS float64      `json:"max_catalog_lag_ms"`
	DNSLagMS        *Percentiles `json:"dns_lag_ms,omitempty"`
	HTTPLagMS       *Percentiles `json:"http_lag_ms,omitempty"`
}

// JoinRegistration is one member's join and its registration under one service.
type JoinRegistration struct {
	Member  string  `json:"member"`
	Service string  `json:"service"`
	AtS     float64 `json:"at_s"`
	// EndS is when the join ended: the member left, went down or joined again, or the
	// stream ended.
	EndS float64 `json:"end_s"`
	// CatalogMS, DNSMS and HTTPMS are the lags from the join (absent when never).
	CatalogMS *float64 `json:"catalog_ms,omitempty"`
	DNSMS     *float64 `json:"dns_ms,omitempty"`
	HTTPMS    *float64 `json:"http_ms,omitempty"`
	// Already says the catalog still held the instance from an earlier join.
	Already bool `json:"already,omitempty"`
	Missing bool `json:"missing,omitempty"`
}

// instanceKey is a registered instance: the agent that registered it and its ID.
type instanceKey struct{ agent, id string }

// Registrations derives the report; nil when no handler registered anything.
func Registrations(run *Run) *RegistrationReport {
	rep := &RegistrationReport{Calls: map[string]int{}}
	owner := map[string]string{} // instance ID -> member
	byAgent := map[string][]string{}
	for _, ev := range run.Events {
		if ev.Type != event.Registration {
			continue
		}
		outcome := "ok"
		if ev.Code != 200 {
			outcome = "failed"
		}
		rep.Calls[ev.Op+"/"+outcome]++
		name, ok := strings.CutSuffix(ev.Service, "-"+ev.Member)
		if !ok {
			continue
		}
		if !slices.Contains(rep.Services, name) {
			rep.Services = append(rep.Services, name)
		}
		if _, seen := owner[ev.Service]; !seen {
			owner[ev.Service] = ev.Member
			byAgent[ev.Node] = append(byAgent[ev.Node], ev.Service)
		}
	}
	if len(rep.Calls) == 0 {
		return nil
	}
	slices.Sort(rep.Services)
	held := catalogHeld(run.Events, owner, byAgent)
	var end time.Duration
	if n := len(run.Events); n > 0 {
		end = run.Events[n-1].T.D()
	}
	var catalogLags, dnsLags, httpLags []float64
	for _, j := range memberJoins(run.Events, end) {
		for _, svc := range rep.Services {
			id := svc + "-" + j.member
			r := JoinRegistration{Member: j.member, Service: svc, AtS: round3s(j.start.Seconds()), EndS: round3s(j.end.Seconds())}
			at, already, ok := held.firstHeld(id, j.start, j.end)
			if !ok {
				r.Missing = true
				rep.Missing++
				rep.Joins = append(rep.Joins, r)
				continue
			}
			lag := ms(at - j.start)
			r.CatalogMS, r.Already = &lag, already
			catalogLags = append(catalogLags, lag)
			rep.MaxCatalogLagMS = math.Max(rep.MaxCatalogLagMS, lag)
			for _, f := range []struct {
				iface string
				into  **float64
				lags  *[]float64
			}{{event.InterfaceDNS, &r.DNSMS, &dnsLags}, {event.InterfaceHTTP, &r.HTTPMS, &httpLags}} {
				if t, ok := firstFound(run.Events, svc, f.iface, j.member, at, j.end); ok {
					v := ms(t - j.start)
					*f.into = &v
					*f.lags = append(*f.lags, v)
				}
			}
			rep.Joins = append(rep.Joins, r)
		}
	}
	if rep.Joins == nil {
		rep.Joins = []JoinRegistration{}
	}
	rep.CatalogLagMS, rep.DNSLagMS, rep.HTTPLagMS = NewPercentiles(catalogLags), NewPercentiles(dnsLags), NewPercentiles(httpLags)
	return rep
}

// memberJoin is one join of a member, from its join event to its end.
type memberJoin struct {
	member     string
	start, end time.Duration
}

// memberJoins lists the successful joins in time order, each ended by the member's
// leave, node_down or next join.
func memberJoins(events []event.Event, end time.Duration) []memberJoin {
	var out []memberJoin
	open := map[string]int{}
	closeJoin := func(member string, t time.Duration) {
		if i, ok := open[member]; ok {
			out[i].end = t
			delete(open, member)
		}
	}
	for _, ev := range events {
		t := ev.T.D()
		switch {
		case ev.Type == event.Join && ev.Reason == "":
			closeJoin(ev.Node, t)
			open[ev.Node] = len(out)
			out = append(out, memberJoin{member: ev.Node, start: t, end: end})
		case ev.Type == event.Leave && ev.Reason == "", ev.Type == event.NodeDown:
			closeJoin(ev.Node, t)
		}
	}
	return out
}

// heldSpan is a stretch in which the catalog held an instance.
type heldSpan struct{ from, to time.Duration }

// catalogSpans are the stretches each registered instance was in the catalog.
type catalogSpans map[string][]heldSpan

// catalogHeld follows the catalog through its writes: the first server to apply a raft
// index is when the catalog changed. A deregistration of an agent's whole node drops
// every instance it registered.
func catalogHeld(events []event.Event, owner map[string]string, byAgent map[string][]string) catalogSpans {
	out := catalogSpans{}
	in := map[string]time.Duration{}
	seen := map[uint64]bool{}
	set := func(id string, present bool, t time.Duration) {
		from, was := in[id]
		switch {
		case present && !was:
			in[id] = t
		case !present && was:
			out[id] = append(out[id], heldSpan{from, t})
			delete(in, id)
		}
	}
	for _, ev := range events {
		if ev.Type != event.CatalogApply || ev.Reason != "" || seen[ev.Index] {
			continue
		}
		seen[ev.Index] = true
		t := ev.T.D()
		switch {
		case ev.Service != "":
			if _, ok := owner[ev.Service]; ok {
				set(ev.Service, ev.Op == "register", t)
			}
		case ev.Op == "deregister" && ev.Check == "":
			for _, id := range byAgent[ev.Member] {
				set(id, false, t)
			}
		}
	}
	for id, from := range in {
		out[id] = append(out[id], heldSpan{from, time.Duration(math.MaxInt64)})
	}
	return out
}

// firstHeld is the first moment in [start, end) the catalog held id, and whether it
// already did at start.
func (c catalogSpans) firstHeld(id string, start, end time.Duration) (time.Duration, bool, bool) {
	for _, s := range c[id] {
		switch {
		case s.from <= start && s.to > start:
			return start, true, true
		case s.from > start && s.from < end:
			return s.from, false, true
		}
	}
	return 0, false, false
}

// firstFound is the time the first lookup of svc over iface, asked in [from, end),
// answered naming member.
func firstFound(events []event.Event, svc, iface, member string, from, end time.Duration) (time.Duration, bool) {
	for _, ev := range events {
		if ev.Type != event.Lookup || ev.Service != svc || ev.Interface != iface || ev.Status != event.StatusOK {
			continue
		}
		asked := ev.T.D() - ev.Took.D()
		if asked < from || asked >= end {
			continue
		}
		if slices.Contains(ev.Instances, member) {
			return asked, true
		}
	}
	return 0, false
}
