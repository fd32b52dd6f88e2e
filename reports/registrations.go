package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/scenarios"
)

// writeRegistrations prints what the register_service handlers achieved: per member
// join, how long until the catalog (and lookups) showed its registration, and the joins
// never registered.
func writeRegistrations(w io.Writer, s Summary) {
	r := s.Registrations
	if r == nil {
		return
	}
	var calls []string
	for _, k := range slices.Sorted(maps.Keys(r.Calls)) {
		calls = append(calls, fmt.Sprintf("%s %d", k, r.Calls[k]))
	}
	fmt.Fprintf(w, "registered %s for %d member join(s), %d never; handler calls: %s\n",
		strings.Join(r.Services, ", "), len(r.Joins), r.Missing, strings.Join(calls, ", "))
	for _, p := range []struct {
		what string
		p    *checker.Percentiles
	}{{"catalog", r.CatalogLagMS}, {"dns", r.DNSLagMS}, {"http", r.HTTPLagMS}} {
		if p.p != nil {
			fmt.Fprintf(w, "           %-7s showed a member's registration p50 %.0f ms, max %.0f ms after it joined\n", p.what, p.p.P50, p.p.Max)
		}
	}
	for _, j := range r.Joins {
		if j.Missing {
			fmt.Fprintf(w, "           %s joined at %.3f s and was never registered as %s before %.3f s\n", j.Member, j.AtS, j.Service, j.EndS)
		}
	}
}

// registrationExpectations judges registrations_missing and registration_lag_max.
func registrationExpectations(e *scenarios.Expect, s Summary) []Expectation {
	var out []Expectation
	r := s.Registrations
	if n := e.RegistrationsMissing; n != nil {
		x := Expectation{Name: fmt.Sprintf("registrations_missing: %d", *n)}
		if r == nil {
			x.OK, x.Detail = *n >= 0, "no handler registered a service"
		} else {
			x.OK = r.Missing <= *n
			x.Detail = fmt.Sprintf("%d of %d join(s) never registered", r.Missing, len(r.Joins))
			if m := missingJoins(r); m != "" {
				x.Detail += ": " + m
			}
		}
		out = append(out, x)
	}
	if d := e.RegistrationLagMax; d > 0 {
		x := Expectation{Name: "registration_lag_max: " + d.String()}
		if r == nil {
			x.Detail = "no handler registered a service"
		} else {
			x.OK = r.MaxCatalogLagMS <= float64(d.D().Milliseconds())
			x.Detail = fmt.Sprintf("the catalog held a joined member's registration at most %.0f ms after it joined", r.MaxCatalogLagMS)
		}
		out = append(out, x)
	}
	return out
}

// missingJoins names the joins never registered.
func missingJoins(r *checker.RegistrationReport) string {
	var out []string
	for _, j := range r.Joins {
		if j.Missing {
			out = append(out, fmt.Sprintf("%s at %.3f s", j.Member, j.AtS))
		}
	}
	return strings.Join(out, ", ")
}
