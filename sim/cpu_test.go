package sim_test

import (
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// cpuScenario is one server on constant 1ms links, no fsync cost, with a server CPU and a
// workload of gets through the leader from 3s to 8s.
func cpuScenario(get time.Duration, wl scenarios.Workload) scenarios.Scenario {
	wl.Keys, wl.Mix, wl.ReadModes, wl.Via = 4, scenarios.Mix{Get: 1}, []string{scenarios.ModeDefault}, []string{scenarios.ViaLeader}
	wl.Start, wl.Stop = scenarios.Duration(3*time.Second), scenarios.Duration(8*time.Second)
	sc := scenarios.Scenario{
		Name: "cpu", Duration: scenarios.Duration(8 * time.Second), Cluster: scenarios.Cluster{Servers: 1},
		Network:  scenarios.Network{Latency: scenarios.Latency{Dist: scenarios.DistConstant, Mean: scenarios.Duration(time.Millisecond)}},
		CPU:      scenarios.CPU{ServiceTime: scenarios.ServiceTime{Get: scenarios.Duration(get)}},
		Workload: &wl,
		Liveness: scenarios.Liveness{Skip: true},
	}
	sc.ApplyDefaults()
	return sc
}

// workloadOps is the history of the workload clients, without the final reads.
func workloadOps(t *testing.T, res *sim.Result) []checker.Op {
	t.Helper()
	ops, err := checker.History(res.Events)
	if err != nil {
		t.Fatal(err)
	}
	var out []checker.Op
	for _, op := range ops {
		if op.Client != event.FinalClient {
			out = append(out, op)
		}
	}
	return out
}

// One request at a time: each get costs the round trip (2ms) plus its service time (3ms),
// exactly, since it never queues behind another. Without the CPU it costs the round trip.
func TestCPUServiceTime(t *testing.T) {
	t.Parallel()
	sc := cpuScenario(3*time.Millisecond, scenarios.Workload{Think: scenarios.Duration(10 * time.Millisecond)})
	ops := workloadOps(t, runSpec(t, runspec.Spec{Scenario: sc, Seed: 1}, sim.Options{}))
	if len(ops) < 100 {
		t.Fatalf("only %d ops", len(ops))
	}
	for _, op := range ops[1:] { // the first pays for the connection's handshake too
		if op.Returned && op.Latency() != 5*time.Millisecond {
			t.Fatalf("%s took %v; want 5ms (a 2ms round trip and 3ms of CPU)", op.ID, op.Latency())
		}
	}
}

// Offered three times what the server's CPU can serve (20 gets a second at 50ms each), the
// server answers no faster than its CPU allows, and latency climbs as the queue grows.
func TestCPUSaturates(t *testing.T) {
	t.Parallel()
	sc := cpuScenario(50*time.Millisecond, scenarios.Workload{Rate: 60})
	ops := workloadOps(t, runSpec(t, runspec.Spec{Scenario: sc, Seed: 1}, sim.Options{}))
	answered, late := 0, 0
	var first, last time.Duration
	for _, op := range ops {
		if !op.Answered() {
			continue
		}
		answered++
		if answered == 1 {
			first = op.Latency()
		}
		last = op.Latency()
		if op.Latency() > time.Second {
			late++
		}
	}
	t.Logf("%d of %d gets answered; latency from %v to %v, %d over 1s", answered, len(ops), first, last, late)
	// 5s of workload at 20 a second is 100 answers; the last of them may be cut by the end.
	if answered > 101 || answered < 90 {
		t.Errorf("%d gets answered in 5s by a CPU that serves 20 a second; want about 100 (of %d called)", answered, len(ops))
	}
	if first > 60*time.Millisecond || last < 2*time.Second || late < answered/2 {
		t.Errorf("latency went from %v (first) to %v (last), %d of %d over 1s; want it to climb past seconds as the queue grows", first, last, late, answered)
	}
}
