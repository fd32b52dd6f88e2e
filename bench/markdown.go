package bench

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Markdown returns report.md: the figures as tables a person reads, in the report's order.
func (r *Report) Markdown() []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# consim bench: %s\n\n", r.Scenario)
	w("Scenario `%s` (%s, %s), seeds %s; consim %s, guest build %s.\n", r.Scenario,
		plural(r.Servers, "server"), plural(r.ClientAgents, "client agent"), seedList(r.Matrix.Seeds), r.ConsimVersion, r.Build)
	w("Latency is virtual time in milliseconds, from a request's call to its answer (`op_return.t - op_call.t`),\n")
	w("over the requests answered (ok or fail: *count*); percentiles are nearest-rank; *no answer* counts those that\n")
	w("timed out, failed without an answer or were still out when the run ended. An offered rate is the requests a second\n")
	w("of all workload clients together, in an open loop; *answered/s* counts the answers from %s s to %s s of each run.\n\n",
		num(r.WorkloadStartS), num(r.WorkloadStopS))

	w("## Conditions\n\n| condition | RTT | what it changes in the scenario |\n|---|---:|---|\n")
	for _, c := range r.Matrix.Conditions {
		changes := "nothing: the scenario as written"
		if c.Changes != "" {
			changes = "`" + cell(c.Changes) + "`"
		}
		w("| %s | %s ms | %s |\n", c.Name, num(c.RTTMS), changes)
	}

	w("\n## Runs\n\nEach run's directory holds its events.jsonl, summary.json and scenario.yaml (`consim check DIR` re-derives its\n")
	w("summary; the reproduce line replays it, from this report's directory).\n\n")
	w("| condition | offered | seed | requests | answered/s | ok | fail | unknown | in flight | expectations | reproduce |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, run := range r.Runs {
		q := run.Requests
		expect := "held"
		if len(run.Failed) > 0 {
			expect = "FAILED: " + strings.Join(run.Failed, ", ")
		}
		w("| %s | %s | %d | %d | %s | %d | %d | %d | %d | %s | `%s` |\n", run.Condition, rate(run.Rate), run.Seed,
			q.OK+q.Fail+q.Unknown+q.InFlight, num(q.Throughput), q.OK, q.Fail, q.Unknown, q.InFlight, expect, run.Reproduce)
	}

	if len(r.Consistent) > 0 {
		w("\n## The price of a consistent read\n\n")
		w("A `consistent` read makes the leader confirm it still leads (a heartbeat round to a quorum) before it answers;\n")
		w("a `default` one does not. The difference of their medians, through the same path, in milliseconds and in round\n")
		w("trips (RTT) of the condition:\n\n")
		w("| condition | offered | path | default p50 | consistent p50 | extra | extra RTTs |\n|---|---:|---|---:|---:|---:|---:|\n")
		for _, p := range r.Consistent {
			w("| %s | %s | %s | %s | %s | %s | %s |\n", p.Condition, rate(p.Rate), p.Path, msText(p.DefaultP50MS), msText(p.ConsistentP50MS), msText(p.ExtraMS), rtts(p.ExtraRTTs))
		}
	}

	w("\n## Latency\n")
	for _, c := range r.Matrix.Conditions {
		for _, rt := range r.Matrix.Rates {
			w("\n### %s at %s\n\n", c.Name, rate(rt))
			w("| op | mode | path | count | mean | p50 | p90 | p99 | p99.9 | max | answered/s | no answer |\n")
			w("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
			for _, x := range r.Cells {
				if x.Condition != c.Name || x.Rate != rt {
					continue
				}
				w("| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %d |\n", x.Op, dash(x.Mode), x.Path, x.Count,
					msText(x.MeanMS), msText(x.P50MS), msText(x.P90MS), msText(x.P99MS), msText(x.P999MS), msText(x.MaxMS), num(x.Throughput), x.Unknown+x.InFlight)
			}
		}
	}

	if len(r.Matrix.Rates) > 1 {
		w("\n## Latency versus offered rate\n\np50 / p99 in milliseconds, and the answers a second of each run's whole workload.\n\n")
		w("| condition | op | mode | path |")
		for _, rt := range r.Matrix.Rates {
			w(" %s |", rate(rt))
		}
		w("\n|---|---|---|---|%s\n", strings.Repeat("---:|", len(r.Matrix.Rates)))
		for _, c := range r.Matrix.Conditions {
			w("| %s | all | | |", c.Name)
			for _, rt := range r.Matrix.Rates {
				w(" %s/s |", num(r.answered(c.Name, rt)))
			}
			w("\n")
			for _, k := range r.keys() {
				w("| %s | %s | %s | %s |", c.Name, k.op, dash(k.mode), k.path)
				for _, rt := range r.Matrix.Rates {
					x, _ := r.Cell(c.Name, rt, k.op, k.mode, k.path)
					w(" %s / %s |", msText(x.P50MS), msText(x.P99MS))
				}
				w("\n")
			}
		}
	}
	return b.Bytes()
}

// keys lists the cells of one condition and rate, in report order.
func (r *Report) keys() []cellKey {
	m := Matrix{Modes: r.Matrix.Modes, Paths: r.Matrix.Paths, Ops: r.Matrix.Ops}
	return m.cellKeys()
}

// answered is the answers a second of every run of a condition at a rate, averaged over
// its seeds.
func (r *Report) answered(cond string, rt float64) float64 {
	sum, n := 0.0, 0
	for _, run := range r.Runs {
		if run.Condition == cond && run.Rate == rt {
			sum += run.Requests.Throughput
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return round3(sum / float64(n))
}

func msText(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 3, 64)
}

func rtts(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

// num prints a figure with as few digits as it needs.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// rate prints an offered rate as a scenario rate ("25/s").
func rate(v float64) string { return num(v) + "/s" }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func seedList(seeds []uint64) string {
	parts := make([]string, len(seeds))
	for i, s := range seeds {
		parts[i] = strconv.FormatUint(s, 10)
	}
	return strings.Join(parts, ", ")
}
