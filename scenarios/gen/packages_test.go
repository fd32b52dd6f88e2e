package gen

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
)

// slow-disks-power-cut is the situation a lying fsync needs to lose an acknowledged write
// from every copy: every server's disk slow (200 ms to 1 s) for at least one write's
// latency right up to the instant all of them crash together, while the workload runs.
func TestSlowDisksPowerCut(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		sc := Scenario(Options{Kinds: []string{KindSlowDisksPowerCut}}).Draw(rt, "scenario")
		groups := map[string][]scenarios.Fault{}
		for _, f := range sc.Faults {
			groups[faultGroup(f.Name)] = append(groups[faultGroup(f.Name)], f)
		}
		for g, fs := range groups {
			n := sc.Cluster.Servers
			if len(fs) != 2*n {
				rt.Fatalf("%s: %d faults for %d servers, want a disk fault and a crash each", g, len(fs), n)
			}
			cut := fs[n].At
			if cut < scenarios.Duration(workloadStart) {
				rt.Fatalf("%s: the power cut at %s comes before the workload starts", g, cut)
			}
			for i := range n {
				server := fmt.Sprintf("server-%d", i+1)
				d, c := fs[i], fs[n+i]
				switch {
				case d.Disk == nil || d.Disk.Node != server || c.Crash != server:
					rt.Fatalf("%s: part %d is %s / %s, want a disk fault and a crash of %s", g, i, d, c, server)
				case d.Disk.WriteLatency.D() < 200*time.Millisecond || d.Disk.WriteLatency.D() > time.Second:
					rt.Fatalf("%s: %s's fsync %s, want 200ms to 1s", g, server, d.Disk.WriteLatency)
				case c.At != cut || d.At+d.For != cut:
					rt.Fatalf("%s: %s's disk is slow %s to %s and it crashes at %s, want it slow up to the one cut at %s", g, server, d.At, d.At+d.For, c.At, cut)
				case d.For < d.Disk.WriteLatency:
					rt.Fatalf("%s: %s's disk is slow for %s, less than one write (%s)", g, server, d.For, d.Disk.WriteLatency)
				case c.For <= 0 || c.At+c.For > sc.Duration:
					rt.Fatalf("%s: %s down for %s from %s, in a run of %s", g, server, c.For, c.At, sc.Duration)
				}
			}
		}
	})
}

// cut-lock-holder comes only with lock clients: it isolates l1's agent, which takes the
// lock first, within l1's hold and for at least 8 s when the run has room.
func TestCutLockHolder(t *testing.T) {
	seen := false
	rapid.Check(t, func(rt *rapid.T) {
		sc := Scenario(Options{Kinds: []string{KindCutLockHolder}}).Draw(rt, "scenario")
		for _, f := range sc.Faults {
			seen = true
			l := sc.Workload.Locks
			switch {
			case l == nil:
				rt.Fatalf("%s without lock clients", f.Name)
			case f.Isolate != sc.LockAgents()[0]:
				rt.Fatalf("%s isolates %s, want l1's agent %s", f.Name, f.Isolate, sc.LockAgents()[0])
			case f.At.D() <= workloadStart || f.At.D() > max(workloadStart+l.Hold.D()-time.Second, workloadStart+time.Second):
				rt.Fatalf("%s at %s: want it within l1's hold (%s from %s)", f.Name, f.At, l.Hold, scenarios.Duration(workloadStart))
			case f.For.D() < min(8*time.Second, sc.Duration.D()-f.At.D()) || f.At+f.For > sc.Duration:
				rt.Fatalf("%s for %s from %s in a run of %s", f.Name, f.For, f.At, sc.Duration)
			}
		}
	})
	if !seen {
		t.Error("no cut-lock-holder in 100 scenarios")
	}
}
