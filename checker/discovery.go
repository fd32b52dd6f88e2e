package checker

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/consim/consim/event"
)

// Discovery freshness: for every instance that should have stopped getting clients (its
// check went critical on its own agent, or its node failed), how long lookups still sent
// clients there, per interface and read mode.
//
// An unhealthy episode of an instance (its node and service) starts at:
//   - cause "check": a check_status critical of one of the service's checks on the node
//     (the agent's own verdict, the truth the catalog should follow), and ends at the
//     check's next non-critical status;
//   - cause "node": the node going down (node_down) or, for a node that is running but
//     cut off, the first member event in which another node declares it failed; it ends
//     when the node is up again and declared alive.
//
// A lookup is stale when it started (its time minus took) inside an episode, at or after
// its start, answered ok, and named the instance's node. An episode's lag for an
// interface and mode is from the episode's start to the start of its last stale lookup
// (0 when none was stale). Lookups that failed (timeout, SERVFAIL, 5xx) sent nobody
// anywhere and count apart.

// Check statuses as check_status and catalog_apply carry them.
const (
	checkCritical = "critical"
	checkPassing  = "passing"
)

// DiscoveryReport is summary.json's discovery.
type DiscoveryReport struct {
	// Lookups counts lookups per "interface/mode" (dns/stale, http/default, ...): OK
	// answered (NXDOMAIN included), Failed did not.
	Lookups map[string]*LookupCount `json:"lookups"`
	// Episodes are the unhealthy episodes, in start order.
	Episodes []Episode `json:"episodes"`
	// LagMS is the distribution of episodes' lags per "interface/mode", over the
	// episodes that had lookups of it; MaxLagMS is the largest of all (0 without any).
	LagMS    map[string]*Percentiles `json:"lag_ms"`
	MaxLagMS float64                 `json:"max_lag_ms"`
}

// LookupCount is lookups of one interface and mode.
type LookupCount struct {
	OK     int `json:"ok"`
	Failed int `json:"failed"`
}

// Episode is one stretch in which an instance should have got no clients.
type Episode struct {
	Node    string  `json:"node"`
	Service string  `json:"service"`
	Cause   string  `json:"cause"` // "check" or "node"
	Check   string  `json:"check,omitempty"`
	StartS  float64 `json:"start_s"`
	EndS    float64 `json:"end_s"` // the stream's end when it never ended
	// Stale counts, per "interface/mode", the lookups started inside the episode that
	// still named the node; LagMS their lag (absent for one without lookups).
	Stale map[string]int     `json:"stale"`
	LagMS map[string]float64 `json:"lag_ms"`
	// For a node episode during a fault acting on the node (a crash, a cut, a flapping
	// NIC) that began before anyone declared the node failed: the fault, how long the
	// node went undetected, and the lookups asked meanwhile that still named it, per
	// "interface/mode" (clients sent to a node nobody knew was gone).
	Fault           string         `json:"fault,omitempty"`
	UndetectedMS    float64        `json:"undetected_ms,omitempty"`
	StaleUndetected map[string]int `json:"stale_undetected,omitempty"`

	start, end time.Duration
}

// DiscoveryFreshness derives the report; nil when the run made no lookup.
func DiscoveryFreshness(run *Run) *DiscoveryReport {
	var lookups []event.Event
	for _, ev := range run.Events {
		if ev.Type == event.Lookup {
			lookups = append(lookups, ev)
		}
	}
	if len(lookups) == 0 {
		return nil
	}
	rep := &DiscoveryReport{Lookups: map[string]*LookupCount{}, LagMS: map[string]*Percentiles{}}
	for _, l := range lookups {
		k := l.Interface + "/" + l.Mode
		if rep.Lookups[k] == nil {
			rep.Lookups[k] = &LookupCount{}
		}
		if l.Status == event.StatusOK {
			rep.Lookups[k].OK++
		} else {
			rep.Lookups[k].Failed++
		}
	}
	services := serviceNodes(lookups, run.Events)
	rep.Episodes = episodes(run.Events, services)
	for i := range rep.Episodes {
		undetected(&rep.Episodes[i], run.Faults, lookups)
	}
	lags := map[string][]float64{}
	var judged []Episode
	for i := range rep.Episodes {
		e := &rep.Episodes[i]
		e.Stale, e.LagMS = map[string]int{}, map[string]float64{}
		start, end := e.start, e.end
		for _, l := range lookups {
			asked := l.T.D() - l.Took.D()
			if l.Service != e.Service || asked < start || asked >= end {
				continue
			}
			k := l.Interface + "/" + l.Mode
			if _, ok := e.LagMS[k]; !ok {
				e.LagMS[k] = 0
			}
			if l.Status == event.StatusOK && slices.Contains(l.Instances, e.Node) {
				e.Stale[k]++
				e.LagMS[k] = ms(asked - start)
			}
		}
		if len(e.LagMS) == 0 {
			continue // no lookup asked while it lasted: nothing to judge
		}
		judged = append(judged, *e)
		for k, v := range e.LagMS {
			lags[k] = append(lags[k], v)
			rep.MaxLagMS = math.Max(rep.MaxLagMS, v)
		}
	}
	rep.Episodes = judged
	if rep.Episodes == nil {
		rep.Episodes = []Episode{}
	}
	for k, xs := range lags {
		rep.LagMS[k] = NewPercentiles(xs)
	}
	return rep
}

// serviceNodes maps each looked-up service to the nodes whose checks belong to it (from
// check_status), so that only those instances have episodes.
func serviceNodes(lookups, events []event.Event) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, l := range lookups {
		out[l.Service] = map[string]bool{}
	}
	for _, ev := range events {
		if ev.Type == event.CheckStatus && out[ev.Service] != nil {
			out[ev.Service][ev.Node] = true
		}
	}
	return out
}

// episodes finds the unhealthy episodes of the looked-up services' instances.
func episodes(events []event.Event, services map[string]map[string]bool) []Episode {
	var out []Episode
	var end time.Duration
	if len(events) > 0 {
		end = events[len(events)-1].T.D()
	}
	open := map[string]int{} // "node/service/check" or "node/service/" -> index in out
	openFor := func(key string, ep Episode) {
		if _, ok := open[key]; !ok {
			open[key] = len(out)
			ep.StartS, ep.end, ep.EndS = round3s(ep.start.Seconds()), end, round3s(end.Seconds())
			out = append(out, ep)
		}
	}
	closeFor := func(key string, t time.Duration) {
		if i, ok := open[key]; ok {
			out[i].end, out[i].EndS = t, round3s(t.Seconds())
			delete(open, key)
		}
	}
	nodeDown := map[string]bool{}
	for _, ev := range events {
		t := ev.T.D()
		// A node's episode ends when it runs and someone sees it alive again.
		if ev.Type == event.Member && ev.Status == event.StatusAlive && ev.Member != ev.Node && !nodeDown[ev.Member] {
			for svc := range services {
				closeFor(ev.Member+"/"+svc+"/", t)
			}
		}
		switch ev.Type {
		case event.CheckStatus:
			if !services[ev.Service][ev.Node] {
				continue
			}
			key := ev.Node + "/" + ev.Service + "/" + ev.Check
			if ev.Status == checkCritical {
				openFor(key, Episode{Node: ev.Node, Service: ev.Service, Cause: "check", Check: ev.Check, start: t})
			} else {
				closeFor(key, t)
			}
		case event.NodeDown, event.Member:
			node := ev.Node
			if ev.Type == event.Member {
				if ev.Status != event.StatusFailed || ev.Member == ev.Node {
					continue
				}
				node = ev.Member
			}
			if ev.Type == event.NodeDown {
				nodeDown[node] = true
			}
			for _, svc := range keysOf(services) {
				if services[svc][node] {
					openFor(node+"/"+svc+"/", Episode{Node: node, Service: svc, Cause: "node", start: t})
				}
			}
		case event.NodeUp:
			nodeDown[ev.Node] = false
		}
	}
	return out
}

// undetected fills a node episode's fault fields: the latest fault acting on the node
// that started before the episode and was still on then.
func undetected(e *Episode, faults []FaultWindow, lookups []event.Event) {
	if e.Cause != "node" {
		return
	}
	var f *FaultWindow
	for i := range faults {
		fw := &faults[i]
		if fw.Acted() && fw.Involves(e.Node) && fw.Start.D() <= e.start && (!fw.Ended || fw.End.D() > e.start) {
			f = fw
		}
	}
	if f == nil {
		return
	}
	e.Fault, e.UndetectedMS = f.Name, ms(e.start-f.Start.D())
	for _, l := range lookups {
		asked := l.T.D() - l.Took.D()
		if l.Service == e.Service && asked >= f.Start.D() && asked < e.start && l.Status == event.StatusOK && slices.Contains(l.Instances, e.Node) {
			if e.StaleUndetected == nil {
				e.StaleUndetected = map[string]int{}
			}
			e.StaleUndetected[l.Interface+"/"+l.Mode]++
		}
	}
}

// CatalogConvergence compares, at the end of the run, every running server's catalog
// (replayed from its catalog_apply events) with the truth: each running agent's last
// status of each of its checks, and serfHealth passing for every running node.
type CatalogConvergence struct {
	// Converged: no server disagrees with the truth.
	Converged bool `json:"converged"`
	// Disagreements lists what disagrees, canonically ("server-2: client-1 serfHealth
	// is critical, want passing"), at most 20.
	Disagreements []string `json:"disagreements,omitempty"`
}

// CatalogConvergenceOf derives the comparison from the stream; nil when no server
// applied a catalog write (the catalog was off).
func CatalogConvergenceOf(run *Run) *CatalogConvergence {
	up := map[string]bool{}
	catalogs := map[string]map[string]map[string]string{} // server -> node -> check -> status
	truth := map[string]map[string]string{}               // node -> check -> status
	serviceChecks := map[string]map[string]bool{}         // node/service -> checks
	for _, ev := range run.Events {
		switch ev.Type {
		case event.NodeUp:
			up[ev.Node] = true
			truth[ev.Node] = map[string]string{}
		case event.NodeDown:
			up[ev.Node] = false
		case event.CheckStatus:
			if truth[ev.Node] == nil {
				truth[ev.Node] = map[string]string{}
			}
			truth[ev.Node][ev.Check] = ev.Status
			k := ev.Node + "/" + ev.Service
			if serviceChecks[k] == nil {
				serviceChecks[k] = map[string]bool{}
			}
			serviceChecks[k][ev.Check] = true
		case event.CatalogApply:
			if ev.Reason != "" {
				continue
			}
			cat := catalogs[ev.Node]
			if cat == nil {
				cat = map[string]map[string]string{}
				catalogs[ev.Node] = cat
			}
			switch {
			case ev.Op == "deregister" && ev.Check != "":
				delete(cat[ev.Member], ev.Check)
			case ev.Op == "deregister" && ev.Service != "":
				for c := range serviceChecks[ev.Member+"/"+ev.Service] {
					delete(cat[ev.Member], c)
				}
			case ev.Op == "deregister":
				delete(cat, ev.Member)
			default:
				if cat[ev.Member] == nil {
					cat[ev.Member] = map[string]string{}
				}
				for c, st := range ev.Checks {
					cat[ev.Member][c] = st
				}
			}
		}
	}
	if len(catalogs) == 0 {
		return nil
	}
	var out []string
	for _, srv := range keysOf(catalogs) {
		if !up[srv] {
			continue
		}
		cat := catalogs[srv]
		for _, node := range keysOf(truth) {
			if !up[node] {
				continue
			}
			want := map[string]string{"serfHealth": checkPassing}
			for c, st := range truth[node] {
				want[c] = st
			}
			for _, c := range keysOf(want) {
				got, ok := cat[node][c]
				switch {
				case !ok:
					out = append(out, fmt.Sprintf("%s: %s %s is missing, want %s", srv, node, c, want[c]))
				case got != want[c]:
					out = append(out, fmt.Sprintf("%s: %s %s is %s, want %s", srv, node, c, got, want[c]))
				}
			}
		}
	}
	cc := &CatalogConvergence{Converged: len(out) == 0}
	if len(out) > 20 {
		out = append(out[:20:20], fmt.Sprintf("and %d more", len(out)-20))
	}
	cc.Disagreements = out
	return cc
}

// keysOf returns m's keys in order.
func keysOf[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func round3s(s float64) float64 { return math.Round(s*1000) / 1000 }

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e6*10) / 10 }
