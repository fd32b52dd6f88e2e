package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// Run is one run of a benchmark: the scenario under one condition, at one offered rate,
// with one seed.
type Run struct {
	Condition Condition
	Rate      scenarios.Rate
	Seed      uint64
	// Scenario is the scenario as this run runs it: the condition applied, the workload
	// rewritten for the matrix and the rate, the seed set, defaults applied, validated.
	Scenario *scenarios.Scenario
	// Name names the run's directory: CONDITION-RATErps-seed-SEED.
	Name string
}

// Plan returns the runs of m over sc, in report order: by condition, then rate, then
// seed, as the matrix lists them. Each run's scenario is sc with the condition applied
// (its network, disk and cpu changes replace the scenario's fields, its faults are added)
// and the workload rewritten: one open-loop client per path (workload.via), the rate
// shared among them, a get for each mode weighing as much as any other operation (mix),
// the read modes; the workload's keys, timeout, start and stop stay the scenario's, and
// the expected verdicts of read modes the matrix does not read are dropped.
//
// A problem is an *scenarios.ErrorList: in the matrix (placed with src) when a condition
// or a path does not fit the scenario, otherwise in the scenario as the bench changes it.
func Plan(sc *scenarios.Scenario, m *Matrix, src *Source) ([]Run, error) {
	if sc.Workload == nil {
		return nil, fmt.Errorf("bench: scenario %s has no workload: consim bench measures a workload's requests (add a workload section, docs/scenarios.md, or run the built-in bench)", sc.Name)
	}
	var errs []*scenarios.FieldError
	for i, p := range m.Paths {
		switch {
		case p == PathClient && sc.Cluster.Clients == 0:
			errs = append(errs, src.errorf(fmt.Sprintf("paths[%d]", i), "scenario %s has no client agents (cluster.clients is 0): leave the client path out", sc.Name))
		case p == PathFollower && sc.Cluster.Servers < 2:
			errs = append(errs, src.errorf(fmt.Sprintf("paths[%d]", i), "scenario %s has one server and no follower: leave the follower path out", sc.Name))
		}
	}
	if err := errorList(errs); err != nil {
		return nil, err
	}
	var runs []Run
	for ci, c := range m.Conditions {
		for _, rate := range m.Rates {
			run, err := runScenario(sc, m, c, rate)
			if err != nil {
				return nil, src.placeScenarioErrors(err, sc, m, ci, rate)
			}
			for _, seed := range m.Seeds {
				r := *run
				r.Workload = new(scenarios.Workload)
				*r.Workload = *run.Workload // the seed is all that differs
				r.Seed = seed
				runs = append(runs, Run{Condition: c, Rate: rate, Seed: seed, Scenario: &r,
					Name: fmt.Sprintf("%s-%srps-seed-%d", c.Name, strconv.FormatFloat(float64(rate), 'g', -1, 64), seed)})
			}
		}
	}
	return runs, nil
}

// runScenario returns sc under condition c at rate, validated (without the seed).
func runScenario(sc *scenarios.Scenario, m *Matrix, c Condition, rate scenarios.Rate) (*scenarios.Scenario, error) {
	// A deep copy: the scenario's lists and pointers are the caller's.
	b, err := json.Marshal(sc)
	if err != nil {
		return nil, fmt.Errorf("bench: copy scenario %s: %w", sc.Name, err)
	}
	run := new(scenarios.Scenario)
	if err := json.Unmarshal(b, run); err != nil {
		return nil, fmt.Errorf("bench: copy scenario %s: %w", sc.Name, err)
	}
	if l := c.Network.Latency; l != nil {
		run.Network.Latency = *l
	}
	if l := c.Network.Loss; l != nil {
		run.Network.Loss = *l
	}
	if d := c.Disk.WriteLatency; d != nil {
		run.Disk.WriteLatency = *d
	}
	if c.CPU != nil {
		run.CPU = *c.CPU
	}
	run.Faults = append(run.Faults, c.Faults...)
	wl := run.Workload
	wl.Clients, wl.Think, wl.Rate = len(m.Paths), 0, rate/scenarios.Rate(len(m.Paths))
	wl.Via = nil
	for _, p := range m.Paths {
		wl.Via = append(wl.Via, pathVia[p])
	}
	wl.ReadModes = slices.Clone(m.Modes)
	wl.Mix = scenarios.Mix{}
	for _, op := range m.Ops {
		switch op {
		case event.OpGet:
			wl.Mix.Get = float64(len(m.Modes))
		case event.OpPut:
			wl.Mix.Put = 1
		case event.OpCAS:
			wl.Mix.CAS = 1
		case event.OpDelete:
			wl.Mix.Delete = 1
		}
	}
	// A read mode the matrix does not read has no verdict to expect.
	if e := run.Expect; e != nil {
		reads := func(mode string) bool { return slices.Contains(m.Ops, event.OpGet) && slices.Contains(m.Modes, mode) }
		for _, x := range []struct {
			mode string
			v    *string
		}{{scenarios.ModeDefault, &e.Default}, {scenarios.ModeConsistent, &e.Consistent}, {scenarios.ModeStale, &e.Stale}} {
			if !reads(x.mode) {
				*x.v = ""
			}
		}
	}
	run.ApplyDefaults()
	if err := run.Validate(); err != nil {
		return nil, err
	}
	return run, nil
}

// placeScenarioErrors places the validation errors of the scenario run under condition
// ci at rate: a field the condition changed is the condition's (in the matrix), a fault
// it added too; anything else is the scenario's, as the bench runs it.
func (s *Source) placeScenarioErrors(err error, sc *scenarios.Scenario, m *Matrix, ci int, rate scenarios.Rate) error {
	var list *scenarios.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	c := m.Conditions[ci]
	at := s.conditionPath(m, ci)
	var out []*scenarios.FieldError
	for _, e := range list.Errs {
		f := e.Field
		var cond string // the condition's field for f, "" if f is not the condition's
		switch {
		case strings.HasPrefix(f, "network.latency") && c.Network.Latency != nil,
			f == "network.loss" && c.Network.Loss != nil,
			f == "disk.write_latency" && c.Disk.WriteLatency != nil,
			strings.HasPrefix(f, "cpu") && c.CPU != nil:
			cond = f
		case strings.HasPrefix(f, "faults["):
			var k int
			if _, err := fmt.Sscanf(f, "faults[%d]", &k); err == nil && k >= len(sc.Faults) {
				cond = fmt.Sprintf("faults[%d]%s", k-len(sc.Faults), f[strings.Index(f, "]")+1:])
			}
		}
		if cond != "" {
			out = append(out, s.errorf(at+"."+cond, "%s", e.Msg))
			continue
		}
		out = append(out, &scenarios.FieldError{Field: e.Field,
			Msg: fmt.Sprintf("%s (in scenario %s as the bench runs it under condition %s at %s)", e.Msg, sc.Name, c.Name, rate)})
	}
	return errorList(out)
}

// conditionPath is the path of condition ci as written: its index in the file's (or the
// default matrix's) list, which --conditions may have reordered.
func (s *Source) conditionPath(m *Matrix, ci int) string {
	return fmt.Sprintf("conditions[%d]", m.Conditions[ci].at)
}
