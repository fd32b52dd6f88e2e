package gen

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/consim/consim/scenarios"
)

// Smaller returns valid scenarios one step simpler than sc, the biggest steps first:
// without a fault (a package's parts go together), without a user event, shorter, with
// fewer client agents, servers, workload clients, keys, a lower rate, a simpler mix and
// simpler faults. Each keeps sc's seed and expectations.
//
// It is a shrinker of scenarios rather than of rapid's draws: rapid shrinks the choices a
// scenario was drawn from, and a change to one early choice (the number of servers, the
// duration) shifts the meaning of every later one, so a failing scenario of 7 servers and
// 40 s with one fault that matters seldom shrinks past that. Here a step changes one
// thing and leaves the rest as it was: the fault that matters stays where it is.
func Smaller(sc *scenarios.Scenario) []*scenarios.Scenario {
	var out []*scenarios.Scenario
	try := func(change func(s *scenarios.Scenario) bool) {
		s := clone(sc)
		if s == nil || !change(s) {
			return
		}
		s.Description = describe(s)
		if s.Validate() == nil {
			out = append(out, s)
		}
	}
	for _, g := range faultGroups(sc.Faults) {
		try(func(s *scenarios.Scenario) bool {
			s.Faults = slices.DeleteFunc(s.Faults, func(f scenarios.Fault) bool { return faultGroup(f.Name) == g })
			return true
		})
	}
	if sc.Workload != nil && sc.Workload.Locks != nil {
		try(func(s *scenarios.Scenario) bool {
			s.Workload.Locks, s.Expect.LockOverlaps, s.Expect.FencedOutOfOrder = nil, nil, nil
			return true
		})
	}
	if len(sc.Services) > 0 {
		try(func(s *scenarios.Scenario) bool {
			s.Services, s.Discovery, s.DNS, s.Expect.DiscoveryLagMax = nil, nil, scenarios.DNS{}, 0
			return true
		})
	}
	for i := range sc.Actions {
		try(func(s *scenarios.Scenario) bool {
			if s.Actions = slices.Delete(s.Actions, i, i+1); len(s.Actions) == 0 {
				s.Actions = nil
			}
			if !slices.ContainsFunc(s.Actions, func(a scenarios.Action) bool { return a.Event != nil }) {
				s.Expect.UserEvents = "" // nothing left to deliver
			}
			return true
		})
	}
	// Fewer servers next, all the way to three (the fewest every package needs) and to
	// half, before the shorter runs: a smaller cluster is as big a step as a shorter run,
	// and a hunt's shrinking, which starts over from the top of this list after every
	// step kept, spent its time on the steps above and seldom reached one server less
	// (consistent-without-verify-leader stayed at 7 servers in 6 min).
	for _, n := range fewerServers(sc) {
		try(func(s *scenarios.Scenario) bool {
			for s.Cluster.Servers > n {
				if !dropLastServer(s) {
					return false
				}
			}
			return true
		})
	}
	for _, d := range shorter(sc) {
		try(func(s *scenarios.Scenario) bool { s.Duration = d; return true })
	}
	for _, by := range earlier(sc) {
		try(func(s *scenarios.Scenario) bool { shift(s, by); return true })
	}
	if sc.Cluster.Clients > 0 {
		try(func(s *scenarios.Scenario) bool { s.Cluster.Clients = 0; return true })
		try(func(s *scenarios.Scenario) bool { s.Cluster.Clients--; return true })
	}
	try(func(s *scenarios.Scenario) bool { return dropLastServer(s) })
	if len(sc.Network.NICs) > 0 {
		try(func(s *scenarios.Scenario) bool { s.Network.NICs = nil; return true })
	}
	if sc.Workload != nil {
		smallerWorkload(sc.Workload, try)
	}
	smallerLocksAndServices(sc, try)
	for i, f := range sc.Faults {
		if f.Every > 0 {
			try(func(s *scenarios.Scenario) bool { s.Faults[i].Every = 0; return true })
		}
		if f.For >= scenarios.Duration(time.Second) {
			try(func(s *scenarios.Scenario) bool { s.Faults[i].For = roundStep(f.For / 2); return true })
		}
	}
	if sc.Disk.WriteLatency > 0 {
		try(func(s *scenarios.Scenario) bool { s.Disk.WriteLatency = 0; return true })
		try(func(s *scenarios.Scenario) bool {
			s.Disk.WriteLatency = scenarios.Duration(s.Disk.WriteLatency.D() / 2 / time.Millisecond * time.Millisecond)
			return s.Disk.WriteLatency > 0
		})
	}
	return out
}

// fewerServers are the cluster sizes Smaller jumps to: three and half of sc's servers,
// when more than one below it (one below is dropLastServer's own step).
func fewerServers(sc *scenarios.Scenario) []int {
	var out []int
	for _, n := range []int{3, (sc.Cluster.Servers + 1) / 2} {
		if n < sc.Cluster.Servers-1 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// dropLastServer removes the last server of s, and with it the parts of packages that
// name it alone (a crash of it among a majority's), its second NIC and the user events it
// fires. A fault of its own that names it makes the step invalid, and so not tried: that
// fault goes by its own step first.
func dropLastServer(s *scenarios.Scenario) bool {
	if s.Cluster.Servers <= 1 {
		return false
	}
	name := fmt.Sprintf("server-%d", s.Cluster.Servers)
	s.Cluster.Servers--
	s.Faults = slices.DeleteFunc(s.Faults, func(f scenarios.Fault) bool {
		return faultGroup(f.Name) != f.Name && names(f, name)
	})
	s.Network.NICs = slices.DeleteFunc(s.Network.NICs, func(n scenarios.NICs) bool { return n.Node == name })
	if len(s.Network.NICs) == 0 {
		s.Network.NICs = nil
	}
	// An instance on it goes with it; the failing one (the only one of its entry) makes
	// the step invalid, and it goes by its own step first.
	for i := range s.Services {
		s.Services[i].Nodes = slices.DeleteFunc(s.Services[i].Nodes, func(n string) bool { return n == name })
	}
	return true
}

// names says whether f's one target is node.
func names(f scenarios.Fault, node string) bool {
	switch {
	case f.Crash != "":
		return f.Crash == node
	case f.Pause != "":
		return f.Pause == node
	case f.Isolate != "":
		return f.Isolate == node
	case f.Disk != nil:
		return f.Disk.Node == node
	}
	return false
}

// smallerWorkload tries each simplification of the workload w with try.
func smallerWorkload(w *scenarios.Workload, try func(func(*scenarios.Scenario) bool)) {
	if w.Clients > 1 {
		try(func(s *scenarios.Scenario) bool { s.Workload.Clients = 1; return true })
		try(func(s *scenarios.Scenario) bool { s.Workload.Clients--; return true })
	}
	if w.Rate > 1 {
		try(func(s *scenarios.Scenario) bool { s.Workload.Rate = max(1, s.Workload.Rate/2); return true })
	}
	if w.Keys > 1 {
		try(func(s *scenarios.Scenario) bool { s.Workload.Keys = 1; return true })
		try(func(s *scenarios.Scenario) bool { s.Workload.Keys--; return true })
	}
	for i, v := range w.Via {
		if v != scenarios.ViaServers { // any server: the simplest path
			try(func(s *scenarios.Scenario) bool { s.Workload.Via[i] = scenarios.ViaServers; return true })
		}
		if len(w.Via) > 1 {
			try(func(s *scenarios.Scenario) bool { s.Workload.Via = slices.Delete(s.Workload.Via, i, i+1); return true })
		}
	}
	for i := range w.ReadModes {
		if len(w.ReadModes) > 1 {
			try(func(s *scenarios.Scenario) bool {
				s.Workload.ReadModes = slices.Delete(s.Workload.ReadModes, i, i+1)
				return true
			})
		}
	}
	if w.Mix.CAS > 0 {
		try(func(s *scenarios.Scenario) bool { s.Workload.Mix.CAS = 0; return true })
	}
}

// shorter are shorter durations for sc: just past its last fault or action (in whole
// seconds, at least MinDuration), and half of it.
func shorter(sc *scenarios.Scenario) []scenarios.Duration {
	var last scenarios.Duration
	for _, f := range sc.Faults {
		end := f.At + f.For
		if f.Every > 0 || f.For == 0 {
			end = sc.Duration // repeats or lasts to the end: the run's length is its
		}
		last = max(last, end)
	}
	for _, a := range sc.Actions {
		last = max(last, a.At)
	}
	for _, at := range criticalSteps(sc) {
		last = max(last, at+scenarios.Duration(discoveryLagMax+2*time.Second)) // the step, then lookups past the bound
	}
	var out []scenarios.Duration
	for _, d := range []scenarios.Duration{last + scenarios.Duration(time.Second), sc.Duration / 2} {
		d = max(scenarios.Duration(MinDuration), scenarios.Duration(d.D().Truncate(time.Second)))
		if d < sc.Duration && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// earlier are how far sc's faults and actions may move earlier together, all the way to
// the workload's start and half-way there, each with the run shortened by as much: a
// failure late in a long run becomes the same failure in a short one.
func earlier(sc *scenarios.Scenario) []scenarios.Duration {
	first := sc.Duration
	for _, f := range sc.Faults {
		first = min(first, f.At)
	}
	for _, a := range sc.Actions {
		first = min(first, a.At)
	}
	// A check's steps move no earlier than criticalFrom: count them from there.
	for _, at := range criticalSteps(sc) {
		first = min(first, at-scenarios.Duration(criticalFrom-workloadStart))
	}
	gap := first - scenarios.Duration(workloadStart)
	if first == sc.Duration || gap < scenarios.Duration(time.Second) {
		return nil
	}
	return []scenarios.Duration{roundStep(gap), roundStep(gap / 2)}
}

// shift moves s's faults and actions earlier by d, and its end too (not below
// MinDuration).
func shift(s *scenarios.Scenario, d scenarios.Duration) {
	for i := range s.Faults {
		s.Faults[i].At -= d
	}
	for i := range s.Actions {
		s.Actions[i].At -= d
	}
	shiftSteps(s, d)
	s.Duration = max(scenarios.Duration(MinDuration), s.Duration-d)
}

// groupName is a generated fault's name: KIND-N, or KIND-N-x for a part of a package.
var groupName = regexp.MustCompile(`^(.*-[0-9]+)(-[a-z])?$`)

// faultGroup is the draw a fault came from: its name without a package part's letter.
// A fault not named by the generator is a group of its own.
func faultGroup(name string) string {
	if m := groupName.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	return name
}

// faultGroups are the groups of faults, in order of first appearance.
func faultGroups(faults []scenarios.Fault) []string {
	var out []string
	for _, f := range faults {
		if g := faultGroup(f.Name); !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// roundStep rounds d down to the generator's grain, 100ms, and at least one grain.
func roundStep(d scenarios.Duration) scenarios.Duration {
	return max(step(1), scenarios.Duration(d.D().Truncate(100*time.Millisecond)))
}

// clone is a deep copy of sc, through JSON (every field of a scenario has its JSON form,
// which is how a run hands one to the guest); nil if that fails.
func clone(sc *scenarios.Scenario) *scenarios.Scenario {
	b, err := json.Marshal(sc)
	if err != nil {
		return nil
	}
	s := new(scenarios.Scenario)
	if json.Unmarshal(b, s) != nil {
		return nil
	}
	return s
}

// smallerLocksAndServices tries each simplification of sc's lock clients and discovery
// workload with try: fewer lock clients, no fencing, fewer instances of the service,
// fewer discovery clients at a lower rate over one interface.
func smallerLocksAndServices(sc *scenarios.Scenario, try func(func(*scenarios.Scenario) bool)) {
	if sc.Workload != nil && sc.Workload.Locks != nil {
		l := sc.Workload.Locks
		if l.Clients > 2 { // two are the fewest that can contend
			try(func(s *scenarios.Scenario) bool { s.Workload.Locks.Clients--; return true })
		}
		if l.Fenced {
			try(func(s *scenarios.Scenario) bool {
				s.Workload.Locks.Fenced, s.Expect.FencedOutOfOrder = false, nil
				return true
			})
		}
	}
	if len(sc.Services) > 1 {
		try(func(s *scenarios.Scenario) bool { s.Services = s.Services[:1]; return true })
	}
	if d := sc.Discovery; d != nil {
		if d.Clients > 1 {
			try(func(s *scenarios.Scenario) bool { s.Discovery.Clients = 1; return true })
		}
		if d.Rate > 1 {
			try(func(s *scenarios.Scenario) bool { s.Discovery.Rate = max(1, s.Discovery.Rate/2); return true })
		}
		for i := range d.Interfaces {
			if len(d.Interfaces) > 1 {
				try(func(s *scenarios.Scenario) bool {
					s.Discovery.Interfaces = slices.Delete(s.Discovery.Interfaces, i, i+1)
					return true
				})
			}
		}
	}
}
