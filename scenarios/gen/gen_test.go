package gen

import (
	"errors"
	"flag"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
)

// Every generated scenario is valid, and its canonical YAML parses back to the same
// scenario: a shrunk scenario written to a file replays exactly what was run.
func TestGeneratedScenariosAreValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sc := Scenario(Options{}).Draw(t, "scenario")
		if err := sc.Validate(); err != nil {
			t.Fatalf("invalid: %v\n%s", err, sc.Canonical())
		}
		back, err := scenarios.Parse("generated.yaml", sc.Canonical())
		if err != nil {
			t.Fatalf("its YAML does not parse: %v\n%s", err, sc.Canonical())
		}
		if !reflect.DeepEqual(back, sc) {
			t.Fatalf("its YAML parses to another scenario:\n%s\nback:\n%s", sc.Canonical(), back.Canonical())
		}
	})
}

// Every kind can be drawn on its own, and a restricted generator draws only what it is
// allowed: the kinds, the bugs, the servers.
func TestOptionsRestrict(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			seen := false
			rapid.Check(t, func(rt *rapid.T) {
				sc := Scenario(Options{Kinds: []string{kind}, MinServers: 5, MaxServers: 5, Bugs: []string{scenarios.BugFsyncLies}}).Draw(rt, "scenario")
				if sc.Cluster.Servers != 5 || !reflect.DeepEqual(sc.Bugs, []string{scenarios.BugFsyncLies}) {
					rt.Fatalf("servers %d, bugs %v", sc.Cluster.Servers, sc.Bugs)
				}
				for _, f := range sc.Faults {
					if !strings.HasPrefix(f.Name, kind+"-") {
						rt.Fatalf("drew %s, allowed only %s", f.Name, kind)
					}
					seen = true
				}
			})
			if !seen {
				t.Errorf("never drew a %s fault in 100 scenarios", kind)
			}
		})
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Bugs: []string{"nope"}}, `unknown bug "nope"`},
		{Options{Kinds: []string{"flood"}}, `unknown fault kind "flood"`},
		{Options{MinServers: 6, MaxServers: 4}, "servers 6 to 4"},
		{Options{MaxDuration: 1e9}, "max duration 1s"},
	} {
		err := c.o.Check()
		var oe *OptionError
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &oe) {
			t.Errorf("%+v: got %v, want an *OptionError saying %q", c.o, err, c.want)
		}
	}
	if err := (Options{}).Check(); err != nil {
		t.Errorf("the zero options: %v", err)
	}
}

// recorder is a rapid.TB that records instead of failing the test, so a test can look at
// what rapid shrank a failure to.
type recorder struct {
	*testing.T
	failed bool
	logs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any)                 { r.failed = true; r.logs = append(r.logs, fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...) }
func (r *recorder) FailNow()                          { r.failed = true }
func (r *recorder) Fail()                             { r.failed = true }
func (r *recorder) Failed() bool                      { return r.failed }
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Log(args ...any) { r.logs = append(r.logs, fmt.Sprint(args...)) }

// Shrinking simplifies: a property that fails whenever a crash fault is scheduled (the
// single kind, not a package that holds one) shrinks to one short crash, at the earliest time, in the smallest cluster, under the lightest
// workload, in the shortest run.
func TestShrinkingSimplifies(t *testing.T) {
	// The property fails on purpose: rapid must not leave a fail file in testdata for
	// it, nor replay one on the next run.
	old := flag.Lookup("rapid.nofailfile").Value.String()
	flag.Set("rapid.nofailfile", "true")
	t.Cleanup(func() { flag.Set("rapid.nofailfile", old) })
	var last *scenarios.Scenario
	r := &recorder{T: t}
	rapid.Check(r, func(t *rapid.T) {
		// Kinds that include crash, so that 100 draws surely hold one; the others are
		// still there to be shrunk away.
		sc := Scenario(Options{Kinds: []string{KindIsolate, KindCrash, KindPause, KindCrashMajority}}).Draw(t, "scenario")
		for _, f := range sc.Faults {
			if f.Crash != "" && regexp.MustCompile(`^crash-[0-9]+$`).MatchString(f.Name) {
				last = sc
				t.Fatalf("a crash")
			}
		}
	})
	if !r.failed || last == nil {
		t.Fatal("no scenario with a crash in 100 draws")
	}
	got := last
	w := got.Workload
	if len(got.Faults) != 1 || got.Cluster.Servers != 3 || got.Cluster.Clients != 0 ||
		got.Duration.D() != MinDuration || len(got.Actions) != 0 || got.Disk.WriteLatency != 0 ||
		w.Clients != 1 || w.Rate != 1 || w.Keys != 1 || len(w.Via) != 1 ||
		got.Faults[0].For.D().Milliseconds() != 500 || got.Faults[0].Every != 0 {
		t.Errorf("shrank to a scenario that is not the simplest with a crash:\n%s", got.Canonical())
	}
}

// Properties names exactly the expectations Expect writes for a scenario that has them
// all, as a judged run names them.
func TestPropertiesNameTheExpectations(t *testing.T) {
	sc := &scenarios.Scenario{
		Workload: &scenarios.Workload{ReadModes: []string{scenarios.ModeDefault, scenarios.ModeConsistent},
			Locks: &scenarios.Locks{Fenced: true}},
		Actions:   []scenarios.Action{{Event: &scenarios.EventAction{From: "server-1", Name: "ev"}}},
		Discovery: &scenarios.Discovery{},
	}
	var got []string
	zero := 0.0
	judged := reports.Summary{Liveness: &reports.Liveness{Converged: true, SecondsToConverge: &zero}}
	for _, x := range reports.Evaluate(Expect(sc), judged, map[string]string{}) {
		got = append(got, x.Name)
	}
	if !reflect.DeepEqual(got, Properties) {
		t.Errorf("the expectations are %q, Properties says %q", got, Properties)
	}
}

// The generator draws lock clients and services in some scenarios, with what their
// properties need: a lock-delay at least lockDelayMargin above the TTL, a check that goes
// critical while lookups run, and the discovery bound expected only with no fault.
func TestLocksAndServicesAreDrawn(t *testing.T) {
	var locks, services, bounded int
	rapid.Check(t, func(t *rapid.T) {
		sc := Scenario(Options{}).Draw(t, "scenario")
		if l := sc.Workload.Locks; l != nil {
			locks++
			if l.Delay().D() < l.TTL.D()+lockDelayMargin {
				t.Fatalf("lock-delay %s with TTL %s: the property needs at least %s more", l.Delay(), l.TTL, lockDelayMargin)
			}
			if sc.Expect.LockOverlaps == nil || *sc.Expect.LockOverlaps != 0 || (sc.Expect.FencedOutOfOrder != nil) != l.Fenced {
				t.Fatalf("lock clients without their expectations:\n%s", sc.Canonical())
			}
		}
		if sc.Discovery == nil {
			return
		}
		services++
		if steps := criticalSteps(sc); len(steps) == 0 || steps[0] < scenarios.Duration(criticalFrom) || steps[0] >= sc.Duration {
			t.Fatalf("no check goes critical after %s while the run lasts:\n%s", criticalFrom, sc.Canonical())
		}
		if want := len(sc.Faults) == 0; (sc.Expect.DiscoveryLagMax != 0) != want {
			t.Fatalf("discovery_lag_max %s with %d fault(s):\n%s", sc.Expect.DiscoveryLagMax, len(sc.Faults), sc.Canonical())
		}
		if sc.Expect.DiscoveryLagMax != 0 {
			bounded++
		}
	})
	if locks == 0 || services == 0 || bounded == 0 {
		t.Errorf("in 100 scenarios: %d with locks, %d with services, %d with the discovery bound", locks, services, bounded)
	}
}
