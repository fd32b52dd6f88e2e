package reports

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/scenarios"
)

// CheckTimeout is the checker time each key of each read mode gets when the scenario does
// not say (expect.check_timeout). Running out leaves the key undecided: a limit of the
// checker, never an anomaly.
const CheckTimeout = checker.DefaultTimeout

// CheckTimeoutOf is the checker time each key of each read mode gets in a run of sc: the
// one the verdicts, the HTML views and `consim check` all use.
func CheckTimeoutOf(sc *scenarios.Scenario) time.Duration {
	if sc != nil && sc.Expect != nil && sc.Expect.CheckTimeout > 0 {
		return sc.Expect.CheckTimeout.D()
	}
	return CheckTimeout
}

// maxExamples is how many explained anomalies summary.json keeps per mode.
const maxExamples = 5

// ModeAnomalies is one read mode's entry in summary.json's `anomalies`: what was checked,
// how many operations no linearization could place, and the first few, explained.
type ModeAnomalies struct {
	CheckedReads  int `json:"checked_reads"`
	CheckedWrites int `json:"checked_writes"`
	Count         int `json:"count"`
	// AtLeast: the checker stopped explaining (a bound, or the timeout): there may be more.
	AtLeast  bool              `json:"count_is_lower_bound,omitempty"`
	Examples []checker.Anomaly `json:"examples"`
	// UnknownKeys are the keys whose check ran out of time (verdict unknown unless
	// another key is not linearizable): a limit of the checker, not an anomaly.
	// KeyTimeoutSeconds, present with them, is the time each key had.
	UnknownKeys       []string `json:"unknown_keys,omitempty"`
	KeyTimeoutSeconds float64  `json:"key_timeout_seconds,omitempty"`
}

// linearizability checks every read mode of the run's workload: the verdicts, anomalies
// and stale-read staleness of summary.json, all nil when the history does not pair up
// (Workload.HistoryError says why) or has no read.
func linearizability(run *checker.Run, timeout time.Duration) (map[string]string, map[string]*ModeAnomalies, *checker.Staleness) {
	vs, err := checker.Linearizability(run, timeout)
	if err != nil || len(vs) == 0 {
		return nil, nil, nil
	}
	verdicts := map[string]string{}
	anomalies := map[string]*ModeAnomalies{}
	var stale *checker.Staleness
	for mode, v := range vs {
		verdicts[mode] = v.Result
		a := &ModeAnomalies{CheckedReads: v.Reads, CheckedWrites: v.Writes, Count: v.AnomalyCount,
			AtLeast: v.AnomaliesAtLeast, Examples: v.Anomalies[:min(len(v.Anomalies), maxExamples)],
			UnknownKeys: v.UnknownKeys}
		if len(v.UnknownKeys) > 0 {
			a.KeyTimeoutSeconds = v.KeyTimeout.Seconds()
		}
		if a.Examples == nil {
			a.Examples = []checker.Anomaly{}
		}
		anomalies[mode] = a
		if v.Staleness != nil {
			stale = v.Staleness
		}
	}
	return verdicts, anomalies, stale
}

// modeOrder is the order the text summary prints read modes in.
var modeOrder = []string{"default", "consistent", "stale"}

// sortedModes are the read modes that key m, in the order reports print them.
func sortedModes[V any](m map[string]V) []string {
	modes := make([]string, 0, len(m))
	for mode := range m {
		modes = append(modes, mode)
	}
	slices.SortFunc(modes, func(a, b string) int {
		ia, ib := slices.Index(modeOrder, a), slices.Index(modeOrder, b)
		if ia != ib {
			return ia - ib // unknown modes (-1) first, then by name
		}
		return cmp.Compare(a, b)
	})
	return modes
}

// writeVerdicts prints one line per read mode, the first explained anomaly of a mode
// that is not linearizable, and the staleness of stale reads.
func writeVerdicts(w io.Writer, s Summary) {
	for _, m := range sortedModes(s.Verdicts) {
		a := s.Anomalies[m]
		line := fmt.Sprintf("%-11s %s", m+":", s.Verdicts[m])
		if a != nil {
			line += fmt.Sprintf(" (%s, %s checked", count(a.CheckedReads, "read"), count(a.CheckedWrites, "write"))
			if a.Count > 0 {
				more := ""
				if a.AtLeast {
					more = "at least "
				}
				line += fmt.Sprintf("; %s%d anomal%s", more, a.Count, plural(a.Count, "y", "ies"))
			}
			if len(a.UnknownKeys) > 0 {
				line += "; " + checkLimit(a)
			}
			line += ")"
		}
		fmt.Fprintf(w, "verdict    %s\n", line)
		if a != nil && len(a.Examples) > 0 {
			fmt.Fprintf(w, "           e.g. %s\n", a.Examples[0].Explanation)
		}
		if st := s.Staleness; m == "stale" && st != nil && st.Reads > 0 {
			fmt.Fprintf(w, "           %d of %d stale reads behind; versions behind p50/p99/max %g/%g/%g, ms behind %g/%g/%g\n",
				st.Behind, st.Reads, st.VersionsBehind.P50, st.VersionsBehind.P99, st.VersionsBehind.Max,
				st.MSBehind.P50, st.MSBehind.P99, st.MSBehind.Max)
		}
	}
}

// checkLimit says that the checker, not the run, left keys undecided.
func checkLimit(a *ModeAnomalies) string {
	each := time.Duration(math.Round(a.KeyTimeoutSeconds * 1e9))
	return fmt.Sprintf("checker limit: %s undecided after %s each (%s), not an anomaly",
		count(len(a.UnknownKeys), "key"), each, strings.Join(a.UnknownKeys, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
