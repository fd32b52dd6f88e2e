package bench

import (
	"fmt"
	"io"
	"strings"
)

// WriteSummary writes what a terminal shows at the end of a benchmark: per condition, its
// round trip, the answers a second at each offered rate, and at the lowest rate what a
// consistent read costs over a default one through each path, in round trips.
func (r *Report) WriteSummary(w io.Writer) {
	runs, requests := len(r.Runs), 0
	for _, run := range r.Runs {
		q := run.Requests
		requests += q.OK + q.Fail + q.Unknown + q.InFlight
	}
	fmt.Fprintf(w, "bench      %s: %s (%s x %s x %s), %s\n", r.Scenario, plural(runs, "run"),
		plural(len(r.Matrix.Conditions), "condition"), plural(len(r.Matrix.Rates), "rate"), plural(len(r.Matrix.Seeds), "seed"), plural(requests, "request"))
	for _, c := range r.Matrix.Conditions {
		var served []string
		for _, rt := range r.Matrix.Rates {
			served = append(served, fmt.Sprintf("%s of %s", num(r.answered(c.Name, rt)), rate(rt)))
		}
		line := fmt.Sprintf("%-14s RTT %s ms; answered/s %s", c.Name, num(c.RTTMS), strings.Join(served, ", "))
		var price []string
		for _, p := range r.Consistent {
			if p.Condition == c.Name && p.Rate == r.Matrix.Rates[0] {
				price = append(price, fmt.Sprintf("%s %s", rtts(p.ExtraRTTs), p.Path))
			}
		}
		if len(price) > 0 {
			line += fmt.Sprintf("; consistent over default, RTTs at %s: %s", rate(r.Matrix.Rates[0]), strings.Join(price, ", "))
		}
		fmt.Fprintf(w, "condition  %s\n", line)
	}
	for _, run := range r.Runs {
		if len(run.Failed) > 0 {
			fmt.Fprintf(w, "expect     %s: FAILED %s (%s)\n", run.Name, strings.Join(run.Failed, ", "), run.Reproduce)
		}
	}
}
