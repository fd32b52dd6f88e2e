package reports

import (
	"fmt"

	"github.com/consim/consim/scenarios"
)

// Expectation is the outcome of one expectation of the scenario, as summary.json's
// `expectations` lists them.
type Expectation struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Evaluate judges the scenario's expectations against a summary derived from the run's
// stream, in the order of the expect section's fields. verdicts maps read modes to
// their verdict (linearizable, not-linearizable, unknown).
func Evaluate(e *scenarios.Expect, s Summary, verdicts map[string]string) []Expectation {
	if e == nil {
		return nil
	}
	var out []Expectation
	for _, m := range []struct{ mode, want string }{{"default", e.Default}, {"consistent", e.Consistent}, {"stale", e.Stale}} {
		if m.want == "" || m.want == scenarios.VerdictAny {
			continue
		}
		got, ok := verdicts[m.mode]
		x := Expectation{Name: m.mode + ": " + m.want}
		switch {
		case !ok:
			x.Detail = fmt.Sprintf("no %s reads were judged", m.mode)
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
			x.Detail = "gossip never converged: not every node saw every node alive"
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
			x.OK, x.Detail = true, fmt.Sprintf("%d of %d owed deliveries made, once each", u.Deliveries, u.ExpectedDeliveries)
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
	return out
}

// Failed returns the expectations that did not hold.
func Failed(xs []Expectation) []Expectation {
	var out []Expectation
	for _, x := range xs {
		if !x.OK {
			out = append(out, x)
		}
	}
	return out
}
