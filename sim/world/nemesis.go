package world

import (
	"fmt"
	"time"

	"github.com/consim/consim/scenarios"
)

// Fixed parameters of the nemesis's link kinds: heavy enough to matter to gossip and raft,
// not so heavy that nothing gets through.
const (
	nemesisLoss = 0.3
)

// nemesisSlow is the latency of the nemesis's slow kind: a long tail from 5ms with a 50ms
// mean, capped at 2s.
var nemesisSlow = scenarios.Latency{
	Dist: scenarios.DistLongTail, Min: scenarios.Duration(5 * time.Millisecond),
	Mean: scenarios.Duration(50 * time.Millisecond), Max: scenarios.Duration(2 * time.Second),
}

// startNemesis runs the planned nemesis firing plan from now until it ends (its for, a
// heal, or the end of the run; the schedule knows which): one fault at a time, each drawn
// after an exponential gap with mean Interval and lasting an exponential time with mean
// Duration, its kind drawn uniformly from Kinds. Each draw is a firing of its own, named
// "<name>-<n>".
func (w *World) startNemesis(plan *scenarios.Firing) {
	w.nemesisNext(plan, plan.End.D(), 1)
}

func (w *World) nemesisNext(plan *scenarios.Firing, stop time.Duration, n int) {
	r := w.faults.rand
	nm := plan.Spec.Nemesis
	gap := time.Duration(r.ExpFloat64() * float64(nm.Interval))
	length := max(time.Duration(r.ExpFloat64()*float64(nm.Duration)), 100*time.Millisecond)
	kind := nm.Kinds[r.Intn(len(nm.Kinds))]
	start := w.emit.now() + gap
	if start >= stop {
		return
	}
	length = min(length, stop-start)
	w.agenda.at(start, func() {
		draw := w.nemesisFault(kind)
		draw.For = scenarios.Duration(length)
		w.fire(draw, fmt.Sprintf("%s-%d", plan.Name, n), plan, func() { w.nemesisNext(plan, stop, n+1) })
	})
}

// nemesisFault is the fault a nemesis kind stands for, with dynamic targets.
func (w *World) nemesisFault(kind string) scenarios.Fault {
	switch kind {
	case "isolate":
		return scenarios.Fault{Isolate: scenarios.TargetRandomNode}
	case "isolate-leader":
		return scenarios.Fault{Isolate: scenarios.TargetLeader}
	case "split":
		return scenarios.Fault{Partition: &scenarios.Partition{Split: scenarios.SplitMajority}}
	case "bridge":
		return scenarios.Fault{Partition: &scenarios.Partition{Bridge: scenarios.TargetRandomServer}}
	case "ring":
		return scenarios.Fault{Partition: &scenarios.Partition{Ring: true}}
	case "one-way":
		return scenarios.Fault{OneWay: &scenarios.OneWay{From: []string{scenarios.TargetRandomServer}, To: []string{scenarios.SetNodes}}}
	case "packets-blocked":
		return scenarios.Fault{Isolate: scenarios.TargetRandomNode, Proto: scenarios.ProtoPackets}
	case "loss":
		return scenarios.Fault{Link: &scenarios.LinkFault{Node: scenarios.TargetRandomNode, Loss: nemesisLoss}}
	case "slow":
		lat := nemesisSlow
		return scenarios.Fault{Link: &scenarios.LinkFault{Node: scenarios.TargetRandomNode, Latency: &lat}}
	case "crash":
		return scenarios.Fault{Crash: scenarios.TargetRandomNode}
	case "pause":
		return scenarios.Fault{Pause: scenarios.TargetRandomNode}
	case "nic-flap":
		nics := w.spec.Scenario.Network.NICs
		n := nics[w.faults.rand.Intn(len(nics))].Node
		return scenarios.Fault{NICFlap: &scenarios.NICFlap{Node: n, NIC: scenarios.NICSecondary,
			Period: scenarios.Duration(time.Second), Jitter: scenarios.Duration(300 * time.Millisecond)}}
	}
	panic("world: unknown nemesis kind " + kind + " (the scenario was validated)")
}
