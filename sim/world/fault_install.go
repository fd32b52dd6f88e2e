package world

import (
	"time"

	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/scenarios"
)

// netFault makes a network fault for fr and keeps it, to be lifted when fr ends.
func (w *World) netFault(fr *firing) *netmodel.Fault {
	nf := w.net.NewFault(fr.name)
	fr.nets = append(fr.nets, nf)
	return nf
}

// install does what f says, for firing fr, and returns f with its targets resolved (as
// fault_start prints it), the targets it acted on, and why it did nothing if it could not
// act (no leader to isolate, a node that is not running).
func (w *World) install(fr *firing, f scenarios.Fault) (resolved scenarios.Fault, targets []string, why string) {
	resolved = f
	p := protoOf(f.Proto)
	switch {
	case f.Partition != nil:
		return w.installPartition(fr, f, p)
	case f.Isolate != "":
		x, why := w.resolveTarget(f.Isolate)
		if why != "" {
			return f, nil, why
		}
		resolved.Isolate = x
		nf := w.netFault(fr)
		for _, h := range w.net.Hosts() {
			if h.Name() != x {
				nf.Block(x, h.Name(), p)
				nf.Block(h.Name(), x, p)
			}
		}
		return resolved, []string{x}, ""
	case f.OneWay != nil:
		from, why := w.resolveSet(f.OneWay.From)
		if why != "" {
			return f, nil, why
		}
		to, why := w.resolveSet(f.OneWay.To)
		if why != "" {
			return f, nil, why
		}
		resolved.OneWay = &scenarios.OneWay{From: from, To: to}
		nf := w.netFault(fr)
		for _, a := range from {
			for _, b := range to {
				if a != b {
					nf.Block(a, b, p)
				}
			}
		}
		return resolved, joinGroups([][]string{from, to}), ""
	case f.Link != nil:
		return w.installLink(fr, f)
	case f.NICDown != nil:
		x, why := w.resolveTarget(f.NICDown.Node)
		if why != "" {
			return f, nil, why
		}
		resolved.NICDown = &scenarios.NICFault{Node: x, NIC: f.NICDown.NIC}
		w.netFault(fr).NICDown(x, nicIndex(f.NICDown.NIC))
		return resolved, []string{x}, ""
	case f.NICFlap != nil:
		x, why := w.resolveTarget(f.NICFlap.Node)
		if why != "" {
			return f, nil, why
		}
		fl := *f.NICFlap
		fl.Node = x
		resolved.NICFlap = &fl
		w.flap(fr, fl, true)
		return resolved, []string{x}, ""
	case f.Pause != "":
		x, why := w.resolveTarget(f.Pause)
		if why != "" {
			return f, nil, why
		}
		resolved.Pause = x
		w.netFault(fr).Pause(x)
		fr.effect.NodesAffected++
		return resolved, []string{x}, ""
	case f.Crash != "", f.Restart != "", f.Leave != "":
		return w.installProcess(fr, f)
	case f.Disk != nil, f.UnsafeFsyncLies != "":
		return w.installDisk(fr, f)
	}
	return f, nil, "nothing to do"
}

func (w *World) installPartition(fr *firing, f scenarios.Fault, p netmodel.Proto) (scenarios.Fault, []string, string) {
	resolved := f
	part := *f.Partition
	switch {
	case part.Bridge != "":
		b, why := w.resolveTarget(part.Bridge)
		if why != "" {
			return f, nil, why
		}
		part.Bridge = b
		resolved.Partition = &part
		halves := w.bridge(w.netFault(fr), b, p)
		return resolved, append([]string{b}, joinGroups(halves)...), ""
	case part.Ring:
		return resolved, w.ring(w.netFault(fr), p), ""
	}
	groups, printed, why := w.partitionGroups(part)
	if why != "" {
		return f, nil, why
	}
	resolved.Partition = &printed
	blockGroups(w.netFault(fr), groups, p)
	return resolved, joinGroups(groups), ""
}

func (w *World) installLink(fr *firing, f scenarios.Fault) (scenarios.Fault, []string, string) {
	resolved := f
	l := *f.Link
	imp := netmodel.Impairment{Loss: l.Loss, Duplicate: l.Duplicate, Reorder: l.Reorder}
	if l.Latency != nil {
		lat := netLatency(*l.Latency)
		imp.Latency = &lat
	}
	nf := w.netFault(fr)
	switch {
	case len(l.Between) == 2:
		a, why := w.resolveTarget(l.Between[0])
		if why != "" {
			return f, nil, why
		}
		b, why := w.resolveTarget(l.Between[1])
		if why != "" {
			return f, nil, why
		}
		l.Between = []string{a, b}
		resolved.Link = &l
		nf.Impair(a, b, imp)
		nf.Impair(b, a, imp)
		return resolved, []string{a, b}, ""
	case len(l.From) > 0:
		from, why := w.resolveSet(l.From)
		if why != "" {
			return f, nil, why
		}
		to, why := w.resolveSet(l.To)
		if why != "" {
			return f, nil, why
		}
		l.From, l.To = from, to
		resolved.Link = &l
		for _, a := range from {
			for _, b := range to {
				if a != b {
					nf.Impair(a, b, imp)
				}
			}
		}
		return resolved, joinGroups([][]string{from, to}), ""
	case l.Node != "":
		x, why := w.resolveTarget(l.Node)
		if why != "" {
			return f, nil, why
		}
		l.Node = x
		resolved.Link = &l
		nf.Impair(x, "", imp)
		nf.Impair("", x, imp)
		return resolved, []string{x}, ""
	}
	nf.Impair("", "", imp)
	return resolved, []string{"everywhere"}, ""
}

// installProcess crashes, restarts or stops (leave) a node. A crash or leave with a
// duration brings the node back when the firing ends.
func (w *World) installProcess(fr *firing, f scenarios.Fault) (scenarios.Fault, []string, string) {
	resolved := f
	target := f.Crash + f.Restart + f.Leave // exactly one is set
	x, why := w.resolveTarget(target)
	if why != "" {
		return f, nil, why
	}
	n := w.nodeNamed(x)
	switch {
	case f.Restart != "":
		resolved.Restart = x
		if n.agent != nil {
			return resolved, []string{x}, x + " is running"
		}
		w.restart(n, "", w.applied(fr))
	case n.agent == nil:
		return resolved, []string{x}, x + " is not running"
	case f.Crash != "":
		resolved.Crash = x
		fr.effect.StreamsReset += uint64(w.crash(n, w.applied(fr)))
	default:
		resolved.Leave = x
		w.leave(n, w.applied(fr))
	}
	fr.effect.NodesAffected++
	if f.For > 0 && f.Restart == "" {
		fr.undo = append(fr.undo, func() { w.restart(n, "", nil) })
	}
	return resolved, []string{x}, ""
}

// installDisk changes a server's fsync latency, or makes its disk lie, while the firing
// lasts; the effect counts the writes made meanwhile.
func (w *World) installDisk(fr *firing, f scenarios.Fault) (scenarios.Fault, []string, string) {
	resolved := f
	target := f.UnsafeFsyncLies
	if f.Disk != nil {
		target = f.Disk.Node
	}
	x, why := w.resolveTarget(target)
	if why != "" {
		return f, nil, why
	}
	n := w.nodeNamed(x)
	if n == nil || !n.server {
		return f, []string{x}, x + " is not a server (disk faults are about raft's disks)"
	}
	d := n.disk
	before := d.Stats()
	if f.Disk != nil {
		dc := *f.Disk
		dc.Node = x
		resolved.Disk = &dc
		old := d.WriteLatency()
		d.SetWriteLatency(f.Disk.WriteLatency.D())
		fr.undo = append(fr.undo, func() {
			d.SetWriteLatency(old)
			fr.effect.DiskWrites += d.Stats().Started - before.Started
		})
	} else {
		resolved.UnsafeFsyncLies = x
		d.SetFsyncLies(true)
		fr.undo = append(fr.undo, func() {
			d.SetFsyncLies(false)
			fr.effect.DiskWrites += d.Stats().LiedWrites - before.LiedWrites
		})
	}
	return resolved, []string{x}, ""
}

// flap takes fl's NIC down (down true) or leaves it up for one period plus or minus the
// jitter, then flips it, until the firing ends. Each down period is a network fault of its
// own; their effects add up in the firing's.
func (w *World) flap(fr *firing, fl scenarios.NICFlap, down bool) {
	if fr.done {
		return
	}
	if down {
		nf := w.netFault(fr)
		nf.NICDown(fl.Node, nicIndex(fl.NIC))
		defer func() {
			w.agenda.at(w.emit.now()+w.flapPeriod(fl), func() {
				nf.Lift()
				w.flap(fr, fl, false)
			})
		}()
		return
	}
	w.agenda.at(w.emit.now()+w.flapPeriod(fl), func() { w.flap(fr, fl, true) })
}

func (w *World) flapPeriod(fl scenarios.NICFlap) time.Duration {
	d := fl.Period.D()
	if j := int64(fl.Jitter); j > 0 {
		d += time.Duration(w.faults.rand.Int63n(2*j+1) - j)
	}
	return max(d, time.Millisecond)
}

func protoOf(p string) netmodel.Proto {
	switch p {
	case scenarios.ProtoPackets:
		return netmodel.Packets
	case scenarios.ProtoStreams:
		return netmodel.Streams
	}
	return netmodel.AllTraffic
}

func nicIndex(nic string) int {
	if nic == scenarios.NICSecondary {
		return 1
	}
	return 0
}

// netLatency converts a scenario latency to the network's.
func netLatency(l scenarios.Latency) netmodel.Latency {
	return netmodel.Latency{Dist: l.Dist, Mean: l.Mean.D(), Stddev: l.Stddev.D(), Min: l.Min.D(), Max: l.Max.D()}
}
