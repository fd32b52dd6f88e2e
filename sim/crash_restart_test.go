package sim_test

import (
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// crashRestart: a server crashes while one client writes and reads consistently through
// any agent, and comes back on its disk eight seconds later.
const crashRestart = `
name: crash-restart-test
duration: 30s
cluster: {servers: 3, clients: 1}
disk: {write_latency: 2ms}
workload:
  clients: 1
  think: 20ms
  keys: 4
  mix: {get: 0.5, put: 0.5}
  read_modes: [consistent]
  via: [any]
  timeout: 2s
actions:
  - {at: 8s, fail: server-1}
  - {at: 16s, join: {node: server-1, via: server-2}}
`

// A crashed server restarts from its own disk and catches up; with one client doing one
// request at a time, every consistent read returns the last acknowledged write to its key:
// no acknowledged write is lost across the crash.
func TestCrashRestartLosesNoAcknowledgedWrite(t *testing.T) {
	sc, err := scenarios.Parse("crash-restart-test.yaml", []byte(crashRestart))
	if err != nil {
		t.Fatal(err)
	}
	res := runSpec(t, runspec.Spec{Scenario: *sc, Seed: 3}, sim.Options{})
	var down, up bool
	var commit, restartedApplied uint64
	for _, ev := range res.Events {
		switch {
		case ev.Type == event.NodeDown && ev.Node == "server-1":
			down = ev.Reason == "crash"
		case ev.Type == event.NodeUp && ev.Node == "server-1" && down:
			up = true
		case ev.Type == event.RaftProgress && ev.Node == "server-1" && up:
			restartedApplied = ev.AppliedIndex
		case ev.Type == event.RaftProgress && ev.Node != "server-1":
			commit = max(commit, ev.CommitIndex)
		}
	}
	if !down || !up {
		t.Fatalf("server-1 crashed %v, came back %v", down, up)
	}
	if restartedApplied == 0 || restartedApplied+50 < commit {
		t.Errorf("restarted server-1 applied %d, the others committed %d: it did not catch up", restartedApplied, commit)
	}
	ops, err := checker.History(res.Events)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]string{} // key -> last acknowledged value
	var puts, reads, unknown int
	for _, op := range ops {
		switch {
		case op.Status == event.StatusUnknown, !op.Returned:
			unknown++
			if op.Kind == event.OpPut {
				// It may or may not have happened: later reads may show either value.
				delete(last, op.Key)
			}
		case op.Status != event.StatusOK:
		case op.Kind == event.OpPut:
			puts++
			last[op.Key] = op.Value
		case op.Kind == event.OpGet:
			want, known := last[op.Key]
			if !known {
				continue
			}
			reads++
			if !op.Found || op.Read != want {
				t.Errorf("%s at %s read %s=%q (found %v), but %q was the last acknowledged write", op.ID, op.Call, op.Key, op.Read, op.Found, want)
			}
		}
	}
	if puts < 100 || reads < 100 {
		t.Errorf("too little checked: %d acknowledged puts, %d checked reads (%d unknown)", puts, reads, unknown)
	}
	t.Logf("%d acknowledged puts, %d checked reads, %d unknown outcomes", puts, reads, unknown)
}
