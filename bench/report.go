package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
)

// ReportVersion is the version of report.json's layout: later versions add keys; a change
// to the meaning of a key bumps it.
const ReportVersion = 1

// Report is a benchmark's figures: report.json, and what the Markdown and HTML render.
// docs/bench.md documents every key. It holds no wall time: the same matrix, scenario,
// seeds and build give the same report, byte for byte.
type Report struct {
	Version       int    `json:"bench_version"`
	ConsimVersion string `json:"consim_version"`
	Build         string `json:"guest_build"`
	Scenario      string `json:"scenario"`
	Servers       int    `json:"servers"`
	ClientAgents  int    `json:"client_agents"`
	// WorkloadStartS and WorkloadStopS bound the window the throughputs are measured in.
	WorkloadStartS float64      `json:"workload_start_s"`
	WorkloadStopS  float64      `json:"workload_stop_s"`
	Matrix         ReportMatrix `json:"matrix"`
	Runs           []RunReport  `json:"runs"`
	Cells          []Cell       `json:"cells"`
	// Consistent is what a consistent read costs over a default one, per condition, rate
	// and path.
	Consistent []Price `json:"consistent_price"`
}

// ReportMatrix is the matrix as run.
type ReportMatrix struct {
	Modes      []string          `json:"modes"`
	Paths      []string          `json:"paths"`
	Ops        []string          `json:"ops"`
	Rates      []float64         `json:"rates_per_s"`
	Seeds      []uint64          `json:"seeds"`
	Conditions []ReportCondition `json:"conditions"`
}

// ReportCondition is a condition as run: what it changes, and the round trip it makes.
type ReportCondition struct {
	Name string `json:"name"`
	// Changes is what it changes in the scenario, in scenario syntax ("" for nothing).
	Changes string `json:"changes"`
	// RTTMS is a round trip between two hosts: twice the mean one-way link latency.
	RTTMS float64 `json:"rtt_ms"`
}

// RunReport is one run: its directory, how to replay it, and all its requests.
type RunReport struct {
	Name      string  `json:"name"`
	Condition string  `json:"condition"`
	Rate      float64 `json:"rate_per_s"`
	Seed      uint64  `json:"seed"`
	// Dir is the run directory, relative to the report's directory.
	Dir string `json:"dir"`
	// Reproduce replays the run, from the report's directory.
	Reproduce    string `json:"reproduce"`
	StreamSHA256 string `json:"stream_sha256"`
	// Requests are all the workload's requests, whatever their path or kind (but the
	// final reads after a liveness phase).
	Requests Stats `json:"requests"`
	// Failed names the scenario's expectations that did not hold in this run (a
	// benchmark reports them and goes on).
	Failed []string `json:"expectations_failed,omitempty"`
}

// Cell is the figures of one operation, read mode and path under one condition at one
// rate, pooled over every seed.
type Cell struct {
	Condition string  `json:"condition"`
	Rate      float64 `json:"rate_per_s"`
	Op        string  `json:"op"`
	Mode      string  `json:"mode,omitempty"`
	Path      string  `json:"path"`
	Stats
}

// Price is what a consistent read costs over a default one through the same path, under
// one condition at one rate: the difference of their medians, in milliseconds and in
// round trips of the condition. Null where either has no answered read.
type Price struct {
	Condition       string   `json:"condition"`
	Rate            float64  `json:"rate_per_s"`
	Path            string   `json:"path"`
	DefaultP50MS    *float64 `json:"default_p50_ms"`
	ConsistentP50MS *float64 `json:"consistent_p50_ms"`
	ExtraMS         *float64 `json:"extra_ms"`
	ExtraRTTs       *float64 `json:"extra_rtts"`
}

// NewReport builds the report of sc over m from its runs' results (Execute's, in plan
// order).
func NewReport(sc *scenarios.Scenario, m *Matrix, results []Result) *Report {
	r := &Report{Version: ReportVersion, Scenario: sc.Name, Servers: sc.Cluster.Servers, ClientAgents: sc.Cluster.Clients,
		Runs: []RunReport{}, Cells: []Cell{}, Consistent: []Price{}}
	if len(results) > 0 {
		r.ConsimVersion, r.Build = results[0].Summary.Version, results[0].Summary.Build
		from, to := window(results[0].Run.Scenario)
		r.WorkloadStartS, r.WorkloadStopS = from.Seconds(), to.Seconds()
	}
	r.Matrix = ReportMatrix{Modes: m.Modes, Paths: m.Paths, Ops: m.Ops, Seeds: m.Seeds}
	for _, rate := range m.Rates {
		r.Matrix.Rates = append(r.Matrix.Rates, float64(rate))
	}
	rtt := map[string]time.Duration{}
	for _, res := range results {
		rtt[res.Run.Condition.Name] = 2 * meanLatency(res.Run.Scenario.Network.Latency)
	}
	for _, c := range m.Conditions {
		r.Matrix.Conditions = append(r.Matrix.Conditions, ReportCondition{Name: c.Name, Changes: c.Changes(), RTTMS: *ms(rtt[c.Name])})
	}
	// Runs, and each run's cells pooled over its seeds: results come in plan order, the
	// seeds of one condition and rate next to each other.
	type group struct{ cond, rate string }
	pooled := map[group]map[cellKey]*sample{}
	windows := map[group]time.Duration{}
	for _, res := range results {
		run := res.Run
		dir := runsDir + "/" + run.Name
		rr := RunReport{Name: run.Name, Condition: run.Condition.Name, Rate: float64(run.Rate), Seed: run.Seed,
			Dir: dir, Reproduce: "consim run " + dir + "/scenario.yaml", StreamSHA256: res.Summary.StreamSHA256,
			Requests: res.all.stats(res.window)}
		for _, x := range reports.Failed(res.Summary.Expectations) {
			rr.Failed = append(rr.Failed, x.Name)
		}
		r.Runs = append(r.Runs, rr)
		g := group{run.Condition.Name, run.Rate.String()}
		if pooled[g] == nil {
			pooled[g] = map[cellKey]*sample{}
		}
		windows[g] += res.window
		for k, s := range res.cells {
			if pooled[g][k] == nil {
				pooled[g][k] = &sample{}
			}
			pooled[g][k].merge(s)
		}
	}
	for _, c := range m.Conditions {
		for _, rate := range m.Rates {
			g := group{c.Name, rate.String()}
			for _, k := range m.cellKeys() {
				s := pooled[g][k]
				if s == nil {
					s = &sample{}
				}
				r.Cells = append(r.Cells, Cell{Condition: c.Name, Rate: float64(rate), Op: k.op, Mode: k.mode, Path: k.path, Stats: s.stats(windows[g])})
			}
			if slices.Contains(m.Ops, event.OpGet) && slices.Contains(m.Modes, scenarios.ModeDefault) && slices.Contains(m.Modes, scenarios.ModeConsistent) {
				for _, p := range m.Paths {
					r.Consistent = append(r.Consistent, r.price(c.Name, float64(rate), p, rtt[c.Name]))
				}
			}
		}
	}
	return r
}

// cellKeys lists a run's cells in report order: operations in AllOps' order, a get's
// read modes in the matrix's, then paths in the matrix's.
func (m *Matrix) cellKeys() []cellKey {
	var out []cellKey
	for _, op := range AllOps {
		if !slices.Contains(m.Ops, op) {
			continue
		}
		modes := []string{""}
		if op == event.OpGet {
			modes = m.Modes
		}
		for _, mode := range modes {
			for _, p := range m.Paths {
				out = append(out, cellKey{op, mode, p})
			}
		}
	}
	return out
}

// Cell returns the cell of the given coordinates, and whether the report has it.
func (r *Report) Cell(cond string, rate float64, op, mode, path string) (Cell, bool) {
	for _, c := range r.Cells {
		if c.Condition == cond && c.Rate == rate && c.Op == op && c.Mode == mode && c.Path == path {
			return c, true
		}
	}
	return Cell{}, false
}

func (r *Report) price(cond string, rate float64, path string, rtt time.Duration) Price {
	p := Price{Condition: cond, Rate: rate, Path: path}
	d, _ := r.Cell(cond, rate, event.OpGet, scenarios.ModeDefault, path)
	c, _ := r.Cell(cond, rate, event.OpGet, scenarios.ModeConsistent, path)
	p.DefaultP50MS, p.ConsistentP50MS = d.P50MS, c.P50MS
	if d.P50MS != nil && c.P50MS != nil {
		extra := round3(*c.P50MS - *d.P50MS)
		p.ExtraMS = &extra
		if rtt > 0 {
			n := round2(extra / (float64(rtt) / float64(time.Millisecond)))
			p.ExtraRTTs = &n
		}
	}
	return p
}

// round2 rounds to two decimals: RTTs are a count, not a measurement to the microsecond.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// meanLatency is the mean of a one-way latency distribution (docs/scenarios.md).
func meanLatency(l scenarios.Latency) time.Duration {
	if l.Dist == scenarios.DistUniform {
		return (l.Min.D() + l.Max.D()) / 2
	}
	return l.Mean.D()
}

// JSON returns report.json: indented, ending in a newline.
func (r *Report) JSON() []byte {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		// Plain numbers, strings and lists: encoding/json cannot refuse them.
		panic(fmt.Sprintf("bench: encode report: %v", err))
	}
	return append(b, '\n')
}

// ReadReport decodes a report.json (--compare). A report of another layout version is
// refused, with both versions named.
func ReadReport(name string, data []byte) (*Report, error) {
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("bench: %s is not a consim bench report.json: %w", name, err)
	}
	if r.Version != ReportVersion {
		return nil, fmt.Errorf("bench: %s is a report of layout %d; this consim reads layout %d", name, r.Version, ReportVersion)
	}
	return &r, nil
}
