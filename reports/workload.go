package reports

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// ViaAll is the via of a workload row that counts every role.
const ViaAll = "all"

// Workload is summary.json's workload object: what the workload clients did and how long
// it took them, in virtual time. docs/summary.md documents it.
type Workload struct {
	Clients int `json:"clients"`
	// FinalReads counts the calls that are the final reads after the liveness phase (client
	// final, the lost-writes check's), which Calls and the rows include.
	FinalReads int `json:"final_reads"`
	Calls      int `json:"calls"`
	OK         int `json:"ok"`
	Fail       int `json:"fail"`
	Unknown    int `json:"unknown"`
	InFlight   int `json:"in_flight"`
	// Rows has, for each operation and read mode, a row for all of its calls (via "all")
	// and one for each role of the agent called (leader, follower, candidate, client,
	// down), in that order.
	Rows []WorkloadRow `json:"ops"`
	// HistoryError is set when the op_call and op_return events do not pair up (a harness
	// bug); the figures then cover the operations paired before the problem.
	HistoryError string `json:"history_error,omitempty"`
}

// WorkloadRow is the counts and latency of one kind of operation.
type WorkloadRow struct {
	Op       string `json:"op"`
	Mode     string `json:"mode,omitempty"`
	Via      string `json:"via"`
	Calls    int    `json:"calls"`
	OK       int    `json:"ok"`
	Fail     int    `json:"fail"`
	Unknown  int    `json:"unknown"`
	InFlight int    `json:"in_flight"`
	// Latency percentiles (nearest rank) and maximum in milliseconds of virtual time, over
	// the answered operations (ok and fail); null when none was answered.
	P50MS *float64 `json:"p50_ms"`
	P99MS *float64 `json:"p99_ms"`
	MaxMS *float64 `json:"max_ms"`

	latencies []time.Duration
}

// NewWorkload summarizes the workload of a stream, or returns nil if it has none.
func NewWorkload(run *checker.Run) *Workload {
	ops, err := run.Ops, run.OpsError
	if len(ops) == 0 && err == nil {
		return nil
	}
	wl := &Workload{Rows: []WorkloadRow{}}
	if err != nil {
		wl.HistoryError = err.Error()
	}
	clients := map[string]bool{} // the workload's own; the final reads are the lost-writes check's
	type key struct{ op, mode, via string }
	rows := map[key]*WorkloadRow{}
	for i := range ops {
		op := &ops[i]
		if op.Client == event.FinalClient {
			wl.FinalReads++
		} else {
			clients[op.Client] = true
		}
		wl.Calls++
		tally(op, &wl.OK, &wl.Fail, &wl.Unknown, &wl.InFlight)
		for _, via := range []string{ViaAll, op.ViaRole} {
			k := key{op.Kind, op.Mode, via}
			r := rows[k]
			if r == nil {
				r = &WorkloadRow{Op: op.Kind, Mode: op.Mode, Via: via}
				rows[k] = r
			}
			r.Calls++
			tally(op, &r.OK, &r.Fail, &r.Unknown, &r.InFlight)
			if op.Answered() {
				r.latencies = append(r.latencies, op.Latency())
			}
		}
	}
	wl.Clients = len(clients)
	for _, r := range rows {
		if len(r.latencies) > 0 {
			slices.Sort(r.latencies)
			r.P50MS = ms(Percentile(r.latencies, 50))
			r.P99MS = ms(Percentile(r.latencies, 99))
			r.MaxMS = ms(r.latencies[len(r.latencies)-1])
		}
		wl.Rows = append(wl.Rows, *r)
	}
	slices.SortFunc(wl.Rows, func(a, b WorkloadRow) int {
		return cmp.Or(
			order(event.Ops, a.Op, b.Op),
			order(readModes, a.Mode, b.Mode),
			order(append([]string{ViaAll}, event.ViaRoles...), a.Via, b.Via),
		)
	})
	return wl
}

// readModes is the order of read modes in reports.
var readModes = []string{"", "default", "consistent", "stale"}

// order compares a and b by their place in known, then (for values it does not list)
// by name after every known one.
func order(known []string, a, b string) int {
	ia, ib := slices.Index(known, a), slices.Index(known, b)
	if ia < 0 {
		ia = len(known)
	}
	if ib < 0 {
		ib = len(known)
	}
	return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(a, b))
}

func tally(op *checker.Op, ok, fail, unknown, inFlight *int) {
	switch {
	case !op.Returned:
		*inFlight++
	case op.Status == event.StatusOK:
		*ok++
	case op.Status == event.StatusFail:
		*fail++
	default:
		*unknown++
	}
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of sorted, a
// non-empty ascending slice: the smallest value that at least p% of the values are at
// or below.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// ms is d in milliseconds, rounded to microseconds.
func ms(d time.Duration) *float64 {
	v := math.Round(float64(d)/float64(time.Microsecond)) / 1000
	return &v
}

// Row returns the row of op, mode and via ("" mode for writes, ViaAll for every role),
// and whether there is one.
func (w *Workload) Row(op, mode, via string) (WorkloadRow, bool) {
	for _, r := range w.Rows {
		if r.Op == op && r.Mode == mode && r.Via == via {
			return r, true
		}
	}
	return WorkloadRow{}, false
}

// writeWorkload prints the workload as a compact table. A group (operation and mode)
// served by a single role shows that row only, since its "all" row says the same.
func writeWorkload(w io.Writer, wl *Workload) {
	final := ""
	if wl.FinalReads > 0 {
		final = fmt.Sprintf(" (%d of them final reads)", wl.FinalReads)
	}
	fmt.Fprintf(w, "workload   %s, %d ops%s: %d ok, %d fail, %d unknown, %d in flight at the end\n",
		count(wl.Clients, "client"), wl.Calls, final, wl.OK, wl.Fail, wl.Unknown, wl.InFlight)
	if wl.HistoryError != "" {
		fmt.Fprintf(w, "           broken history: %s\n", wl.HistoryError)
	}
	const row = "           %-6s  %-10s  %-9s  %6s  %6s  %7s  %8s  %8s  %8s\n"
	fmt.Fprintf(w, row, "op", "mode", "via", "ok", "fail", "unknown", "p50 ms", "p99 ms", "max ms")
	roles := map[[2]string]int{}
	for _, r := range wl.Rows {
		if r.Via != ViaAll {
			roles[[2]string{r.Op, r.Mode}]++
		}
	}
	for _, r := range wl.Rows {
		if r.Via == ViaAll && roles[[2]string{r.Op, r.Mode}] == 1 {
			continue
		}
		mode := r.Mode
		if mode == "" {
			mode = "-"
		}
		fmt.Fprintf(w, row, r.Op, mode, r.Via, fmt.Sprint(r.OK), fmt.Sprint(r.Fail), fmt.Sprint(r.Unknown),
			msText(r.P50MS), msText(r.P99MS), msText(r.MaxMS))
	}
}

func msText(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f", *v)
}
