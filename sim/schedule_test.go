package sim_test

import (
	"fmt"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// firing is one fault_start/fault_end pair of a stream, as scheduled and as it happened.
type firing struct {
	name           string
	at, dur        time.Duration // from its spec: when it was due, and for how long
	started, ended time.Duration // fault_start.t, fault_end.t (-1: never ended)
	reason         string        // why it ended early, if it did
	applied        time.Duration // fault_applied.t (-1: none)
}

// firings pairs a stream's fault events by name, in order, reading each firing's schedule
// from the spec its fault_start carries.
func firings(t *testing.T, evs []event.Event) []*firing {
	t.Helper()
	var out []*firing
	open := map[string][]*firing{}
	last := map[string]*firing{}
	for _, ev := range evs {
		switch ev.Type {
		case event.FaultStart:
			var spec struct{ At, For string }
			if err := yaml.Unmarshal([]byte(ev.Spec), &spec); err != nil {
				t.Fatalf("%s's spec %q does not parse: %v", ev.Name, ev.Spec, err)
			}
			f := &firing{name: ev.Name, at: duration(t, spec.At), dur: duration(t, spec.For), started: ev.T.D(), ended: -1, applied: -1}
			out = append(out, f)
			open[ev.Name] = append(open[ev.Name], f)
			last[ev.Name] = f
		case event.FaultEnd:
			if q := open[ev.Name]; len(q) > 0 {
				q[0].ended, q[0].reason = ev.T.D(), ev.Reason
				open[ev.Name] = q[1:]
			}
		case event.FaultApplied:
			if f := last[ev.Name]; f != nil && f.applied < 0 {
				f.applied = ev.T.D()
			}
		}
	}
	return out
}

func duration(t *testing.T, s string) time.Duration {
	t.Helper()
	if s == "" {
		return 0
	}
	d, err := scenarios.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d.D()
}

// checkOnTime requires every firing of a stream to have started exactly when it was due (its
// spec's at, which is its scheduled time) and, when it ran its course, to have ended
// exactly for later: the schedule is never late.
func checkOnTime(t *testing.T, evs []event.Event) {
	t.Helper()
	for _, f := range firings(t, evs) {
		if f.started != f.at {
			t.Errorf("%s was due at %s and started at %s", f.name, f.at, f.started)
		}
		if f.dur > 0 && f.reason == "" && f.ended != f.at+f.dur {
			t.Errorf("%s was due to end at %s and ended at %s", f.name, f.at+f.dur, f.ended)
		}
	}
}

// A node that restarts while it is still isolated waits for its join in the background:
// the isolation ends when due, the faults after it fire when due, the crash ends at its
// restart, and the restarted node is up at once; its join is answered once the isolation
// is over. (Before, the world waited for the join: the isolation ended 8 s late, and the
// faults after it fired late, with specs that said so.)
func TestRestartDuringIsolationHoldsNothingUp(t *testing.T) {
	sc := builtin(t, "testdata/restart-isolated.yaml")
	res := runSpec(t, runspec.Spec{Scenario: sc, Seed: sc.Seed}, sim.Options{})
	evs := res.Events
	checkOnTime(t, evs)
	checkFiresSchedule(t, &sc, evs)
	byName := map[string]*firing{}
	for _, f := range firings(t, evs) {
		byName[f.name] = f
	}
	for name, want := range map[string][2]time.Duration{
		"cut":          {5 * time.Second, 15 * time.Second},
		"crash-cut":    {7 * time.Second, 10 * time.Second},
		"slow-link":    {12 * time.Second, 14 * time.Second},
		"pause-client": {13 * time.Second, 15 * time.Second},
	} {
		f := byName[name]
		if f == nil {
			t.Errorf("%s never fired", name)
			continue
		}
		if f.started != want[0] || f.ended != want[1] {
			t.Errorf("%s from %s to %s, want %s to %s", name, f.started, f.ended, want[0], want[1])
		}
	}
	if f := byName["crash-cut"]; f == nil || f.applied < f.started || f.applied > f.started+time.Second {
		t.Errorf("crash-cut: fault_applied at %v; want within a second of its start", f)
	}
	var up, joined time.Duration = -1, -1
	var joinErr string
	for _, ev := range evs {
		if ev.Node != "server-2" || ev.T.D() < 10*time.Second {
			continue
		}
		switch {
		case ev.Type == event.NodeUp && up < 0:
			up = ev.T.D()
		case ev.Type == event.Join && joined < 0:
			joined, joinErr = ev.T.D(), ev.Reason
		}
	}
	if up < 10*time.Second || up > 10*time.Second+100*time.Millisecond {
		t.Errorf("server-2 up again at %s, want right after its restart at 10s", up)
	}
	// The join started at the restart, 10s, and could not be answered before the isolation
	// ended: it waited in the background while slow-link and pause-client fired.
	if joined < 15*time.Second {
		t.Errorf("server-2's join through an unreachable node answered at %s (%q); want only after the isolation ended at 15s", joined, joinErr)
	}
	t.Logf("server-2 up at %s, its join answered at %s: %s", up, joined, joinErr)
}

// crashDuringStall crashes the leader while its disk holds a write for two seconds.
const crashDuringStall = `
name: crash-during-stall
duration: 16s
cluster: {servers: 3}
workload: {clients: 2, rate: 20/s, keys: 2, start: 2s, mix: {get: 1, put: 1}}
faults:
  - {name: stall, at: 5s, for: 4s, disk: {node: leader, write_latency: 2s}}
  - {name: crash-stalled, at: 6s, for: 4s, crash: leader}
`

// A crash during a stalled fsync happens when it is due: node_down then, and nothing more
// from the crashed server (no raft state, no gossip record) until it restarts, although
// its goroutines wind down for a while behind the fsync they wait for. fault_applied says
// when the crash was complete, its disk crashed; the restart waits for that.
func TestCrashDuringStalledFsyncIsOnTime(t *testing.T) {
	sc, err := scenarios.Parse("crash-during-stall.yaml", []byte(crashDuringStall))
	if err != nil {
		t.Fatal(err)
	}
	evs := runSpec(t, runspec.Spec{Scenario: *sc, Seed: 1}, sim.Options{}).Events
	checkOnTime(t, evs)
	var crashed string
	for _, ev := range evs {
		if ev.Type == event.FaultStart && ev.Name == "crash-stalled" {
			crashed = ev.Targets[0]
		}
	}
	var down, applied, up time.Duration = -1, -1, -1
	var said []string
	for _, ev := range evs {
		switch {
		case ev.T.D() < 6*time.Second || up >= 0:
		case ev.Type == event.NodeDown && ev.Node == crashed && down < 0:
			down = ev.T.D()
		case ev.Type == event.FaultApplied && ev.Name == "crash-stalled":
			applied = ev.T.D()
		case ev.Type == event.NodeUp && ev.Node == crashed && down >= 0:
			up = ev.T.D()
		case ev.Node == crashed && down >= 0 && ev.T.D() < 10*time.Second: // not yet restarting
			said = append(said, fmt.Sprintf("%s %s at %s", ev.Type, ev.State+ev.Status, ev.T))
		}
	}
	t.Logf("%s: node_down at %s, fault_applied at %s, up again at %s", crashed, down, applied, up)
	if down != 6*time.Second {
		t.Errorf("node_down at %s, want when the crash was due, 6s", down)
	}
	if len(said) > 0 {
		t.Errorf("the crashed server spoke after its crash: %v", said)
	}
	if applied < down {
		t.Errorf("fault_applied at %s, before the crash at %s", applied, down)
	}
	if up < max(10*time.Second, applied) {
		t.Errorf("restarted at %s: want at the crash's end (10s), and not before it was complete (%s)", up, applied)
	}
}

// The liveness phase restarts what crashed and converges only once it runs again: a
// restart still under way in the background does not count as done. (Before, the phase
// could end at once, without the crashed node.)
func TestLivenessWaitsForRestarts(t *testing.T) {
	sc, err := scenarios.Parse("liveness-restart.yaml", []byte("name: liveness-restart\nduration: 8s\ncluster: {servers: 3, clients: 1}\nactions:\n  - {at: 5s, fail: client-1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	evs := runSpec(t, runspec.Spec{Scenario: *sc, Seed: 1}, sim.Options{}).Events
	up, end := -1, -1 // positions in the stream
	for i, ev := range evs {
		switch {
		case ev.Type == event.NodeUp && ev.Node == "client-1" && ev.T.D() >= 8*time.Second:
			up = i
		case ev.Type == event.LivenessEnd:
			end = i
			if ev.Converged == nil || !*ev.Converged {
				t.Errorf("the liveness phase did not converge")
			}
		}
	}
	if up < 0 || end < up {
		t.Errorf("client-1 up again at event %d, liveness_end at event %d: want it up first", up, end)
	}
}
