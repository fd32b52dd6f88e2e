package gen

import (
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
)

// drawFaults draws up to o.maxFaults() faults into sc, each of a kind that applies to sc's
// cluster, leaving out one that conflicts with those drawn before it.
func drawFaults(t *rapid.T, sc *scenarios.Scenario, o Options) {
	var singles, pkgs []string
	for _, k := range o.kinds() {
		switch {
		case !applies(k, sc):
		case packages[k] != nil:
			pkgs = append(pkgs, k)
		default:
			singles = append(singles, k)
		}
	}
	if len(singles)+len(pkgs) == 0 || o.maxFaults() == 0 {
		return
	}
	// Each fault is one draw of its own generator, and the faults one slice: rapid's
	// shrinker then removes a whole fault at a time, wherever it is in the list.
	one := rapid.Custom(func(t *rapid.T) drawn {
		kind := drawKindName(t, singles, pkgs)
		trial := *sc
		trial.Network.NICs = slices.Clone(sc.Network.NICs)
		d := drawn{kind: kind, faults: drawKind(t, &trial, kind)}
		if len(trial.Network.NICs) > len(sc.Network.NICs) {
			d.nic = &trial.Network.NICs[len(trial.Network.NICs)-1]
		}
		return d
	})
	list := rapid.SliceOfN(one, 0, o.maxFaults()).Draw(t, "faults")
	for i, d := range list {
		kind, fs := d.kind, slices.Clone(d.faults)
		for j := range fs {
			fs[j].Name = fmt.Sprintf("%s-%d", kind, i+1)
			if len(fs) > 1 {
				fs[j].Name += "-" + partLabel(j)
			}
		}
		trial := *sc
		trial.Network.NICs = slices.Clone(sc.Network.NICs)
		if d.nic != nil && !slices.ContainsFunc(trial.Network.NICs, func(n scenarios.NICs) bool { return n.Node == d.nic.Node }) {
			trial.Network.NICs = append(trial.Network.NICs, *d.nic)
		}
		alone := trial
		alone.Faults, alone.Actions = fs, nil
		if err := alone.Validate(); err != nil {
			t.Fatalf("gen: drew an invalid %s fault (a bug of the generator): %v\n%s", kind, err, alone.Canonical())
		}
		trial.Faults = append(slices.Clone(sc.Faults), fs...)
		if trial.Validate() != nil {
			continue // conflicts with an earlier fault or an action: leave it out
		}
		*sc = trial
	}
}

// drawKindName draws the kind of one fault: a package half of the time, when both a single
// kind and a package apply. Drawn among all kinds alike, the four packages were one draw in
// five, and a given package was in 4 of 100 scenarios at hunt seed 1, often beside faults
// that undo its situation (a leader isolated before the stall): a bug only a package shows
// then took more than 100 checks to find. The choice shrinks toward a single fault.
func drawKindName(t *rapid.T, singles, pkgs []string) string {
	if len(pkgs) > 0 && (len(singles) == 0 || rapid.Bool().Draw(t, "package")) {
		return rapid.SampledFrom(pkgs).Draw(t, "package_kind")
	}
	return rapid.SampledFrom(singles).Draw(t, "kind")
}

// drawn is one draw of the fault list: its kind, its faults (one, or a package's several
// that only together make a situation), and the second NIC they need declared.
type drawn struct {
	kind   string
	faults []scenarios.Fault
	nic    *scenarios.NICs
}

// partLabel names the j-th fault of a package: a, b, c...
func partLabel(j int) string { return string(rune('a' + j)) }

// drawKind draws the faults of one draw of kind: a package's, or a single fault.
func drawKind(t *rapid.T, sc *scenarios.Scenario, kind string) []scenarios.Fault {
	if draw, ok := packages[kind]; ok {
		return draw(t, sc)
	}
	return []scenarios.Fault{drawFault(t, sc, kind, "")}
}

// applies says whether a fault of kind can be drawn for sc's cluster.
func applies(kind string, sc *scenarios.Scenario) bool {
	agents := sc.Cluster.Servers + sc.Cluster.Clients
	switch kind {
	case KindPartition, KindOneWay:
		return agents >= 2
	case KindSplit:
		return sc.Cluster.Servers >= 3
	case KindBridge:
		return agents >= 3
	case KindRing:
		return agents >= 4
	case KindStalledLeaderCut, KindCrashMajority, KindSlowFollowerCrashLeader, KindSlowDisksPowerCut:
		return sc.Cluster.Servers >= 3
	case KindCutLockHolder:
		return false // drawn with the lock clients (drawLocks), after the other faults
	}
	return true
}

// drawFault draws one fault of kind: its times, then what it does.
func drawFault(t *rapid.T, sc *scenarios.Scenario, kind, p string) scenarios.Fault {
	at := drawTime(t, sc, p+"at", workloadStart)
	room := int((sc.Duration - at).D() / (100 * time.Millisecond))
	length := scenarios.Duration(time.Duration(rapid.IntRange(5, min(100, room)).Draw(t, p+"for_100ms")) * 100 * time.Millisecond)
	f := scenarios.Fault{At: at, For: length}
	if rapid.Bool().Draw(t, p+"repeats") {
		gap := scenarios.Duration(time.Duration(rapid.IntRange(1, 10).Draw(t, p+"gap_s")) * time.Second)
		if at+length+gap < sc.Duration {
			f.Every = length + gap
		}
	}
	node := func(label string) string { return rapid.SampledFrom(sc.NodeNames()).Draw(t, p+label) }
	target := func(label string) string { return rapid.SampledFrom(targets(sc)).Draw(t, p+label) }
	switch kind {
	case KindIsolate:
		f.Isolate = target("isolate")
	case KindIsolateLeader:
		f.Isolate = scenarios.TargetLeader
	case KindCrash:
		f.Crash = target("crash")
	case KindPause:
		f.Pause = target("pause")
	case KindPartition:
		f.Partition = &scenarios.Partition{Groups: drawGroups(t, sc, p)}
	case KindSplit:
		f.Partition = &scenarios.Partition{Split: rapid.SampledFrom([]string{scenarios.SplitMajority, scenarios.SplitLeaderMinority}).Draw(t, p+"split")}
	case KindOneWay:
		names := sc.NodeNames()
		from := rapid.IntRange(0, len(names)-1).Draw(t, p+"from")
		to := (from + rapid.IntRange(1, len(names)-1).Draw(t, p+"to")) % len(names)
		f.OneWay = &scenarios.OneWay{From: []string{names[from]}, To: []string{names[to]}}
	case KindLink:
		f.Link = drawLink(t, sc, p)
	case KindDisk:
		f.Disk = &scenarios.DiskFault{
			Node:         rapid.SampledFrom(serverTargets(sc)).Draw(t, p+"disk"),
			WriteLatency: scenarios.Duration(time.Duration(rapid.IntRange(1, 50).Draw(t, p+"write_100ms")) * 100 * time.Millisecond),
		}
	case KindPacketsBlocked:
		f.Isolate, f.Proto = target("isolate"), scenarios.ProtoPackets
	case KindStreamsBlocked:
		f.Isolate, f.Proto = target("isolate"), scenarios.ProtoStreams
	case KindBridge:
		f.Partition = &scenarios.Partition{Bridge: target("bridge")}
	case KindRing:
		f.Partition = &scenarios.Partition{Ring: true}
	case KindNICDown:
		n := node("nic_node")
		f.NICDown = &scenarios.NICFault{Node: n, NIC: drawNIC(t, sc, n, p)}
	case KindNICFlap:
		n := node("nic_node")
		period := time.Duration(rapid.IntRange(2, 30).Draw(t, p+"period_100ms")) * 100 * time.Millisecond
		f.NICFlap = &scenarios.NICFlap{Node: n, NIC: drawNIC(t, sc, n, p), Period: scenarios.Duration(period),
			Jitter: scenarios.Duration(time.Duration(rapid.IntRange(0, 4).Draw(t, p+"jitter_eighths")) * period / 8)}
	default:
		t.Fatalf("gen: no generator for fault kind %s", kind)
	}
	return f
}

// targets are the single targets a fault may name in sc: every node, and the dynamic
// targets that can resolve.
func targets(sc *scenarios.Scenario) []string {
	out := append(sc.NodeNames(), scenarios.TargetLeader, scenarios.TargetRandomServer, scenarios.TargetRandomNode)
	if sc.Cluster.Servers > 1 {
		out = append(out, scenarios.TargetFollower)
	}
	if sc.Cluster.Clients > 0 {
		out = append(out, scenarios.TargetRandomClient)
	}
	return out
}

// serverTargets are the targets that always resolve to a server.
func serverTargets(sc *scenarios.Scenario) []string {
	out := []string{}
	for i := 1; i <= sc.Cluster.Servers; i++ {
		out = append(out, fmt.Sprintf("server-%d", i))
	}
	out = append(out, scenarios.TargetLeader, scenarios.TargetRandomServer)
	if sc.Cluster.Servers > 1 {
		out = append(out, scenarios.TargetFollower)
	}
	return out
}

// drawGroups cuts the agents in two by a bit mask that leaves neither side empty.
func drawGroups(t *rapid.T, sc *scenarios.Scenario, p string) [][]string {
	names := sc.NodeNames()
	agents := names[:sc.Cluster.Servers+sc.Cluster.Clients]
	mask := rapid.IntRange(1, 1<<min(len(agents), 16)-2).Draw(t, p+"groups")
	var a, b []string
	for i, n := range agents {
		if i < 16 && mask&(1<<i) != 0 {
			a = append(a, n)
		} else {
			b = append(b, n)
		}
	}
	return [][]string{a, b}
}

// drawLink draws a link fault: its scope, then a non-empty set of effects.
func drawLink(t *rapid.T, sc *scenarios.Scenario, p string) *scenarios.LinkFault {
	l := &scenarios.LinkFault{}
	names := sc.NodeNames()
	switch rapid.IntRange(0, 2).Draw(t, p+"link_scope") {
	case 1:
		l.Node = rapid.SampledFrom(names).Draw(t, p+"link_node")
	case 2:
		a := rapid.IntRange(0, len(names)-1).Draw(t, p+"link_a")
		b := (a + rapid.IntRange(1, len(names)-1).Draw(t, p+"link_b")) % len(names)
		l.Between = []string{names[a], names[b]}
	}
	effects := rapid.IntRange(1, 15).Draw(t, p+"link_effects")
	if effects&1 != 0 {
		mean := time.Duration(rapid.IntRange(1, 50).Draw(t, p+"latency_10ms")) * 10 * time.Millisecond
		l.Latency = &scenarios.Latency{Dist: scenarios.DistConstant, Mean: scenarios.Duration(mean)}
	}
	prob := func(label string) float64 { return float64(rapid.IntRange(1, 10).Draw(t, p+label)) / 20 }
	if effects&2 != 0 {
		l.Loss = prob("loss_20ths")
	}
	if effects&4 != 0 {
		l.Duplicate = prob("duplicate_20ths")
	}
	if effects&8 != 0 {
		l.Reorder = prob("reorder_20ths")
	}
	return l
}

// drawNIC picks eth0 or eth1 for node; eth1 needs the node to have a second NIC, which
// is declared in sc (routing a few of its peers over it) when it has none yet.
func drawNIC(t *rapid.T, sc *scenarios.Scenario, node, p string) string {
	if !rapid.Bool().Draw(t, p+"eth1") {
		return scenarios.NICPrimary
	}
	for _, n := range sc.Network.NICs {
		if n.Node == node {
			return scenarios.NICSecondary
		}
	}
	var peers []string
	for _, n := range sc.NodeNames() {
		if n != node && rapid.Bool().Draw(t, p+"eth1_route_"+n) {
			peers = append(peers, n)
		}
	}
	if len(peers) == 0 {
		return scenarios.NICPrimary
	}
	sc.Network.NICs = append(sc.Network.NICs, scenarios.NICs{Node: node, Routes: peers})
	return scenarios.NICSecondary
}
