package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/consim/consim/checker"
)

// writeDiscovery prints the discovery workload's freshness and the catalog's agreement
// with the agents at the end, when the run had them.
func writeDiscovery(w io.Writer, s Summary) {
	if d := s.Discovery; d != nil {
		var counts []string
		for _, k := range slices.Sorted(maps.Keys(d.Lookups)) {
			c := d.Lookups[k]
			counts = append(counts, fmt.Sprintf("%s %d", k, c.OK+c.Failed))
		}
		fmt.Fprintf(w, "discovery  %d unhealthy episode(s) judged; lookups: %s\n", len(d.Episodes), strings.Join(counts, ", "))
		for _, k := range slices.Sorted(maps.Keys(d.LagMS)) {
			p := d.LagMS[k]
			fmt.Fprintf(w, "           %-13s still sent clients to an unhealthy instance up to p50 %.0f ms, max %.0f ms after it became so\n", k, p.P50, p.Max)
		}
		for _, e := range d.Episodes {
			if e.Fault == "" {
				continue
			}
			n := 0
			for _, c := range e.StaleUndetected {
				n += c
			}
			fmt.Fprintf(w, "           %s was failing for %.0f ms (%s) before a member declared it failed at %.3f s: %d lookup(s) sent clients there meanwhile\n",
				e.Node, e.UndetectedMS, e.Fault, e.StartS, n)
		}
	}
	if c := s.Catalog; c != nil {
		if c.Converged {
			fmt.Fprintln(w, "catalog    every running server's catalog agrees with the agents' checks at the end")
		} else {
			fmt.Fprintf(w, "catalog    NOT converged at the end: %s\n", strings.Join(c.Disagreements[:min(3, len(c.Disagreements))], "; "))
		}
	}
}

// discoveryStats derives the discovery parts of the summary.
func discoveryStats(run *checker.Run) (*checker.DiscoveryReport, *checker.CatalogConvergence) {
	return checker.DiscoveryFreshness(run), checker.CatalogConvergenceOf(run)
}
