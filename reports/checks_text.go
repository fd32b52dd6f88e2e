package reports

import (
	"fmt"
	"io"
	"strings"
)

// maxTextExamples bounds the explained examples the terminal summary prints per check;
// summary.json has them all.
const maxTextExamples = 3

// writeChecks prints the membership, leadership and lost-writes checks.
func writeChecks(w io.Writer, s Summary) {
	m := s.Membership
	if m.TotalStatusChanges > 0 || m.FalseFailures.Count > 0 {
		var busy, flappy []string
		for _, r := range m.Members {
			if r.StatusChanges > 0 {
				busy = append(busy, fmt.Sprintf("%s %d", r.Name, r.StatusChanges))
			}
			if r.Flaps > 0 {
				flappy = append(flappy, fmt.Sprintf("%s %d", r.Name, r.Flaps))
			}
		}
		flaps := fmt.Sprintf("%d flap(s)", m.TotalFlaps)
		if len(flappy) > 0 {
			flaps += " (" + strings.Join(flappy, ", ") + ")"
		}
		fmt.Fprintf(w, "membership %d status change(s) in others' views (%s); %s; %d false failure(s), %d with no fault active\n",
			m.TotalStatusChanges, strings.Join(busy, ", "), flaps, m.FalseFailures.Count, m.FalseFailures.Unexplained)
		for _, f := range m.FalseFailures.Verdicts[:min(len(m.FalseFailures.Verdicts), maxTextExamples)] {
			fmt.Fprintf(w, "           e.g. %s\n", f.Explanation)
		}
	}
	if l := s.Leader; l.LongestLeaderlessS > 0 {
		fmt.Fprintf(w, "leader     %.3f s without a leader in total, longest %.3f s", l.LeaderlessS, l.LongestLeaderlessS)
		if l.LongestLeaderlessFrom != nil {
			fmt.Fprintf(w, " from %.3f s", *l.LongestLeaderlessFrom)
		}
		fmt.Fprintln(w)
	}
	if lw := s.LostWrites; lw != nil {
		fmt.Fprintf(w, "lost       %d lost or corrupt of %d acknowledged writes (final reads of %d key(s)", lw.Count, lw.Acknowledged, lw.KeysChecked)
		if len(lw.Unchecked) > 0 {
			fmt.Fprintf(w, "; unchecked: %s", strings.Join(lw.Unchecked, ", "))
		}
		fmt.Fprintln(w, ")")
		n := 0
		for _, x := range lw.Lost {
			if n < maxTextExamples {
				fmt.Fprintf(w, "           e.g. %s\n", x.Explanation)
			}
			n++
		}
		for _, x := range lw.Corrupt {
			if n < maxTextExamples {
				fmt.Fprintf(w, "           e.g. %s\n", x.Explanation)
			}
			n++
		}
	}
}
