package reports

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/scenarios"
)

// Expectation is the outcome of one expectation of the scenario, as summary.json's
// `expectations` lists them.
type Expectation struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Undecided (with OK false): the checker reached its limit before it could say
	// whether the expectation holds. That is not a failure of the run: `consim run`
	// exits 4, not 1, when nothing else failed.
	Undecided bool `json:"undecided,omitempty"`
}

// Evaluate judges the scenario's expectations against a summary derived from the run's
// stream, in the order of the expect section's fields. verdicts maps read modes to
// their verdict (linearizable, not-linearizable, unknown).
func Evaluate(e *scenarios.Expect, s Summary, verdicts map[string]string) []Expectation {
	var out []Expectation
	// A run that had a liveness phase must have converged in it: a cluster that does not
	// recover once every fault is healed is a finding, whatever the scenario expects.
	if l := s.Liveness; l != nil {
		x := Expectation{Name: "liveness: converged", OK: l.Converged}
		if l.Converged {
			x.Detail = fmt.Sprintf("one leader and every member alive %.3f s after healing", *l.SecondsToConverge)
		} else {
			x.Detail = fmt.Sprintf("no single leader with every member alive within %.0f s of healing", l.TimeoutSeconds)
		}
		out = append(out, x)
	}
	if e == nil {
		return out
	}
	for _, m := range []struct{ mode, want string }{{"default", e.Default}, {"consistent", e.Consistent}, {"stale", e.Stale}} {
		if m.want == "" || m.want == scenarios.VerdictAny {
			continue
		}
		got, ok := verdicts[m.mode]
		x := Expectation{Name: m.mode + ": " + m.want}
		switch {
		case !ok && m.want == scenarios.VerdictLinearizable:
			// A safety property holds of an empty history: a short generated run that
			// happened to draw no read of this mode is no false alarm.
			x.OK, x.Detail = true, fmt.Sprintf("no %s reads were made: nothing contradicts it", m.mode)
		case !ok:
			x.Detail = fmt.Sprintf("no %s reads were judged", m.mode)
		case got == checker.VerdictUnknown:
			x.Undecided, x.Detail = true, fmt.Sprintf("undecided: %s reads are unknown", m.mode)
			if a := s.Anomalies[m.mode]; a != nil && len(a.UnknownKeys) > 0 {
				x.Detail = fmt.Sprintf("undecided: %s; raise expect.check_timeout", checkLimit(a))
			}
		case got == m.want:
			x.OK, x.Detail = true, fmt.Sprintf("%s reads are %s", m.mode, got)
		default:
			x.Detail = fmt.Sprintf("%s reads are %s", m.mode, got)
		}
		out = append(out, x)
	}
	if d := e.ConvergeWithin; d > 0 {
		x := Expectation{Name: "converge_within: " + d.String()}
		switch at := s.ConvergedAtSeconds; {
		case at == nil:
			x.Detail = "gossip never converged: " + notConverged(s.NotConverged, s.Servers+s.Clients)
		case *at <= d.D().Seconds():
			x.OK, x.Detail = true, fmt.Sprintf("converged at %.3f s", *at)
		default:
			x.Detail = fmt.Sprintf("converged only at %.3f s", *at)
		}
		out = append(out, x)
	}
	if e.UserEvents != "" {
		x := Expectation{Name: "user_events: " + e.UserEvents}
		switch u := s.UserEvents; {
		case u == nil:
			x.Detail = "no user event was fired"
		case u.Missing == 0 && u.Duplicates == 0 && u.Unexpected == 0:
			x.OK, x.Detail = true, fmt.Sprintf("%d of %d owed deliveries made, once each", u.ExpectedDeliveries-u.Missing, u.ExpectedDeliveries)
		default:
			x.Detail = fmt.Sprintf("%d missing, %d duplicate, %d unexpected of %d owed deliveries", u.Missing, u.Duplicates, u.Unexpected, u.ExpectedDeliveries)
		}
		out = append(out, x)
	}
	if n := e.MaxElections; n > 0 {
		x := Expectation{Name: fmt.Sprintf("max_elections: %d", n), OK: s.LeaderElections <= n,
			Detail: fmt.Sprintf("%d election(s) won", s.LeaderElections)}
		out = append(out, x)
	}
	if n := e.LostWrites; n != nil {
		x := Expectation{Name: fmt.Sprintf("lost_writes: %d", *n)}
		switch lw := s.LostWrites; {
		case lw == nil:
			x.Detail = "no workload, so no final reads"
		case lw.KeysChecked == 0:
			x.Detail = "no final read succeeded: nothing could be checked"
		default:
			x.OK = lw.Count <= *n
			x.Detail = fmt.Sprintf("%d lost or corrupt of %d acknowledged writes on %d keys", lw.Count, lw.Acknowledged, lw.KeysChecked)
			if len(lw.Unchecked) > 0 {
				x.Detail += fmt.Sprintf("; %d key(s) unchecked", len(lw.Unchecked))
			}
		}
		out = append(out, x)
	}
	if n := e.FalseFailures; n != nil {
		ff := s.Membership.FalseFailures
		x := Expectation{Name: fmt.Sprintf("false_failures: %d", *n), OK: ff.Count <= *n,
			Detail: fmt.Sprintf("%d failed verdict(s) on running members (%d with no fault active)", ff.Count, ff.Unexplained)}
		out = append(out, x)
	}
	if n := e.UnexplainedFailures; n != nil {
		ff := s.Membership.FalseFailures
		x := Expectation{Name: fmt.Sprintf("unexplained_failures: %d", *n), OK: ff.Unexplained <= *n,
			Detail: fmt.Sprintf("%d failed verdict(s) on running members with no fault active (of %d false failures)", ff.Unexplained, ff.Count)}
		if ff.Unexplained > 0 {
			for _, v := range ff.Verdicts {
				if len(v.Faults) == 0 {
					x.Detail += "; e.g. " + v.Explanation
					break
				}
			}
		}
		out = append(out, x)
	}
	if e.FaultsEffective {
		out = append(out, faultsEffective(s.Faults))
	}
	out = append(out, lockExpectations(e, s)...)
	if d := e.DiscoveryLagMax; d > 0 {
		x := Expectation{Name: "discovery_lag_max: " + d.String()}
		switch r := s.Discovery; {
		case r == nil:
			x.Detail = "no lookup was made"
		default:
			x.OK = r.MaxLagMS <= float64(d.D().Milliseconds())
			x.Detail = fmt.Sprintf("lookups sent clients to an unhealthy instance up to %.0f ms after it became so (%d episode(s))", r.MaxLagMS, len(r.Episodes))
			if !x.OK {
				x.Detail += "; " + worstEpisode(r)
			}
		}
		out = append(out, x)
	}
	out = append(out, registrationExpectations(e, s)...)
	if e.CatalogConverges {
		x := Expectation{Name: "catalog_converges: true"}
		switch c := s.Catalog; {
		case c == nil:
			x.Detail = "no server applied a catalog write"
		case c.Converged:
			x.OK, x.Detail = true, "every running server's catalog agrees with the agents' checks"
		default:
			x.Detail = strings.Join(c.Disagreements, "; ")
		}
		out = append(out, x)
	}
	return out
}

// worstEpisode says which episode and lookups had the largest lag.
func worstEpisode(r *checker.DiscoveryReport) string {
	for _, e := range r.Episodes {
		for _, k := range slices.Sorted(maps.Keys(e.LagMS)) {
			if e.LagMS[k] == r.MaxLagMS {
				why := "its check " + e.Check + " went critical"
				if e.Cause == "node" {
					why = "its node failed"
				}
				return fmt.Sprintf("%s lookups still returned %s's %s %.0f ms after %s at %.3f s (%d stale answer(s))", k, e.Node, e.Service, e.LagMS[k], why, e.StartS, e.Stale[k])
			}
		}
	}
	return ""
}

// faultsEffective requires every fault firing (heals aside) to have had an effect.
func faultsEffective(fs []Fault) Expectation {
	x := Expectation{Name: "faults_effective: true"}
	var idle []string
	n := 0
	for _, f := range fs {
		if f.Kind == "heal" {
			continue
		}
		n++
		if !f.Effective {
			idle = append(idle, f.Name)
		}
	}
	switch {
	case n == 0:
		x.Detail = "no fault fired"
	case len(idle) == 0:
		x.OK, x.Detail = true, fmt.Sprintf("all %d fault firing(s) had an effect", n)
	default:
		x.Detail = fmt.Sprintf("%d of %d fault firing(s) had no effect: %s", len(idle), n, strings.Join(idle, ", "))
	}
	return x
}

// Failed returns the expectations that did not hold (undecided ones aside).
func Failed(xs []Expectation) []Expectation {
	var out []Expectation
	for _, x := range xs {
		if !x.OK && !x.Undecided {
			out = append(out, x)
		}
	}
	return out
}

// Undecided returns the expectations the checker could not decide.
func Undecided(xs []Expectation) []Expectation {
	var out []Expectation
	for _, x := range xs {
		if x.Undecided {
			out = append(out, x)
		}
	}
	return out
}
