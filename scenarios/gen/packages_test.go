package gen

import (
	"fmt"
	"strings"
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

// stalled-leader-cut stalls the leader's disk and cuts it off within the stall, for 3 s or
// more when the run has room: long enough for the followers to elect another leader.
func TestStalledLeaderCut(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		sc := Scenario(Options{Kinds: []string{KindStalledLeaderCut}}).Draw(rt, "scenario")
		for i := 0; i < len(sc.Faults); i += 2 {
			d, c := sc.Faults[i], sc.Faults[i+1]
			switch {
			case d.Disk == nil || d.Disk.Node != scenarios.TargetLeader || c.Partition == nil:
				rt.Fatalf("%s / %s: want the leader's disk stalled, then a partition", d, c)
			case c.At <= d.At || c.At+c.For != d.At+d.For || d.Disk.WriteLatency != d.For:
				rt.Fatalf("%s / %s: want the cut inside the stall, ending with it", d, c)
			case c.For.D() < min(3*time.Second, sc.Duration.D()-time.Second-c.At.D()):
				rt.Fatalf("%s: cut %s from %s in a run of %s, want 3 s where the run has room", c.Name, c.For, c.At, sc.Duration)
			}
		}
	})
}

// With every kind drawable, about half of the faults drawn are packages, though they are
// 4 kinds of 19: a package is what a consensus bug needs, and drawn like any other kind
// one was in 4 of 100 scenarios.
func TestPackagesHalfOfTheDraws(t *testing.T) {
	var faults, inPackages int
	rapid.Check(t, func(rt *rapid.T) {
		sc := Scenario(Options{MinServers: 3}).Draw(rt, "scenario")
		seen := map[string]bool{}
		for _, f := range sc.Faults {
			g := faultGroup(f.Name)
			if seen[g] || strings.HasPrefix(g, KindCutLockHolder) {
				continue
			}
			seen[g] = true
			faults++
			if _, ok := packages[strings.TrimRight(g, "-0123456789")]; ok {
				inPackages++
			}
		}
	})
	if share := float64(inPackages) / float64(faults); share < 0.35 || share > 0.65 {
		t.Errorf("%d of %d faults drawn were packages (%.0f%%), want about half", inPackages, faults, 100*share)
	}
}
