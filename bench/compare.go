package bench

import (
	"fmt"
	"io"
	"strconv"
)

// Compare writes the difference between an earlier report (old, read from oldName) and
// r, cell by cell in r's order, as a Markdown table: each cell's p50 and p99 before and
// after and by how much they moved, then the cells only one of the two has. Runs of
// another build, scenario or seeds are compared all the same, and the header says so.
func Compare(w io.Writer, oldName string, old, r *Report) {
	fmt.Fprintf(w, "# consim bench: %s compared with %s\n\n", r.Scenario, oldName)
	for _, diff := range []struct{ what, was, is string }{
		{"scenario", old.Scenario, r.Scenario},
		{"guest build", old.Build, r.Build},
		{"seeds", seedList(old.Matrix.Seeds), seedList(r.Matrix.Seeds)},
	} {
		if diff.was != diff.is {
			fmt.Fprintf(w, "- %s: %s before, %s now\n", diff.what, diff.was, diff.is)
		}
	}
	for _, c := range r.Matrix.Conditions {
		for _, o := range old.Matrix.Conditions {
			if o.Name == c.Name && o.Changes != c.Changes {
				fmt.Fprintf(w, "- condition %s changed: `%s` before, `%s` now\n", c.Name, cell(o.Changes), cell(c.Changes))
			}
		}
	}
	fmt.Fprintf(w, "\n| condition | offered | op | mode | path | count | p50 ms | p50 change | p99 ms | p99 change |\n")
	fmt.Fprintf(w, "|---|---:|---|---|---|---:|---:|---:|---:|---:|\n")
	up, down, same, compared := 0, 0, 0, 0
	for _, x := range r.Cells {
		o, ok := old.Cell(x.Condition, x.Rate, x.Op, x.Mode, x.Path)
		if !ok {
			continue
		}
		compared++
		switch d := delta(o.P50MS, x.P50MS); {
		case d == nil:
		case *d > 0:
			up++
		case *d < 0:
			down++
		default:
			same++
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d → %d | %s → %s | %s | %s → %s | %s |\n",
			x.Condition, rate(x.Rate), x.Op, dash(x.Mode), x.Path, o.Count, x.Count,
			msText(o.P50MS), msText(x.P50MS), change(o.P50MS, x.P50MS),
			msText(o.P99MS), msText(x.P99MS), change(o.P99MS, x.P99MS))
	}
	fmt.Fprintf(w, "\n%d cells compared: p50 higher in %d, lower in %d, the same in %d.\n", compared, up, down, same)
	only := func(label string, in, other *Report) {
		for _, x := range in.Cells {
			if _, ok := other.Cell(x.Condition, x.Rate, x.Op, x.Mode, x.Path); !ok {
				fmt.Fprintf(w, "- %s: %s at %s, %s via the %s\n", label, x.Condition, rate(x.Rate), opLabel(x.Op, x.Mode), x.Path)
			}
		}
	}
	only("only before", old, r)
	only("only now", r, old)
}

// delta is b - a, or nil if either is missing.
func delta(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	d := round3(*b - *a)
	return &d
}

// change says how far b moved from a: "+6.000 (+300%)", "0.000", or "-" if either is
// missing.
func change(a, b *float64) string {
	d := delta(a, b)
	switch {
	case d == nil:
		return "-"
	case *d == 0:
		return "0.000"
	}
	s := strconv.FormatFloat(*d, 'f', 3, 64)
	if *d > 0 {
		s = "+" + s
	}
	if *a != 0 {
		pct := *d / *a * 100
		s += fmt.Sprintf(" (%+.1f%%)", pct)
	}
	return s
}
