package netmodel

import (
	"fmt"
	"slices"
	"strings"
)

// Fault groups everything one scenario fault installs (blocks,
// impairments, pauses, NICs taken down) so that it is lifted in one call
// and its effect is counted in one place. Create it with Network.NewFault,
// install pieces with its methods, and Lift it when the fault ends.
//
// Charging: when several faults hold or block the same traffic, the one
// whose piece was installed first is charged, and exactly one fault is
// charged per packet or segment, so the faults' Effect counters sum to the
// network's fault counters (see Stats).
//
// A Fault's methods are safe for concurrent use. Installing a piece on a
// lifted fault panics: the scenario layer must make a new Fault per firing.
type Fault struct {
	n    *Network
	name string

	// All below guarded by n.mu.
	active bool
	effect Traffic
	pieces []string     // what was installed, in fault vocabulary, for String
	paused []heldPacket // packets held by f's pauses, in send order
}

// holdKind is what a hold entry does to the traffic it matches.
type holdKind uint8

const (
	holdBlock holdKind = iota // packets dropped, segments and dials held
	holdPause                 // everything held, packets included
	holdNIC                   // like a block, for traffic over one NIC
)

// holdEntry is one installed piece of a fault that stops traffic. The
// network keeps them in installation order; the first match is charged.
type holdEntry struct {
	f     *Fault
	kind  holdKind
	from  string // block: source host name, "" = any known host
	to    string // block: destination host name, "" = any known host
	proto Proto  // block: kinds of traffic
	host  string // pause, NIC: the host
	nic   int    // NIC: index into the host's addrs
}

// flow names the two ends of some traffic: the hosts (nil if no host owns
// the address) and the addresses at each end.
type flow struct {
	src, dst     *Host
	srcIP, dstIP string
}

// NewFault returns an active fault with nothing installed yet. name is
// for people (String, panics); it need not be unique.
func (n *Network) NewFault(name string) *Fault {
	return &Fault{n: n, name: name, active: true}
}

// Name returns the name given to NewFault.
func (f *Fault) Name() string { return f.name }

// String returns the name and what the fault installed, e.g.
// "isolate-b: block a->b all, block b->a all".
func (f *Fault) String() string {
	f.n.mu.Lock()
	defer f.n.mu.Unlock()
	if len(f.pieces) == 0 {
		return f.name
	}
	return f.name + ": " + strings.Join(f.pieces, ", ")
}

// Active reports whether the fault has not been lifted yet.
func (f *Fault) Active() bool {
	f.n.mu.Lock()
	defer f.n.mu.Unlock()
	return f.active
}

// Effect returns what the fault has done so far. Only the traffic counters
// are filled in; NodesAffected, DiskWrites and StreamsReset are for the
// caller to add (see Host.Crash).
func (f *Fault) Effect() Traffic {
	f.n.mu.Lock()
	defer f.n.mu.Unlock()
	return f.effect
}

// Lift removes everything f installed and releases the traffic it held
// that nothing else holds now: held stream directions resume in order and
// paused packets are sent again in send order, each no earlier than now
// plus a fresh latency sample. Traffic another fault still matches passes
// to that fault. Lifting twice is a no-op.
func (f *Fault) Lift() {
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if !f.active {
		return
	}
	f.active = false
	n.holds = slices.DeleteFunc(n.holds, func(e *holdEntry) bool { return e.f == f })
	n.imps = slices.DeleteFunc(n.imps, func(e *impairEntry) bool { return e.f == f })
	n.releaseHeldLocked()
	n.releasePausedLocked(f)
}

// installLocked checks that f can still take pieces and records desc.
func (f *Fault) installLocked(desc string) {
	if !f.active {
		panic(fmt.Sprintf("netmodel: fault %q: %s installed after Lift", f.name, desc))
	}
	f.pieces = append(f.pieces, desc)
}

// addHold installs a hold entry for f.
func (f *Fault) addHold(e *holdEntry, desc string) {
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	f.installLocked(desc)
	e.f = f
	n.holds = append(n.holds, e)
}

// holderLocked returns the oldest hold entry that stops traffic of kind p
// along fl, or nil. Callers skip it when n.holds is empty (the fast path).
func (n *Network) holderLocked(fl flow, p Proto) *holdEntry {
	srcNIC, dstNIC := -2, -2 // resolved on first need; -1 means none
	for _, e := range n.holds {
		switch e.kind {
		case holdBlock:
			if e.proto&p != 0 && matchHost(e.from, fl.src) && matchHost(e.to, fl.dst) {
				return e
			}
		case holdPause:
			if isHost(e.host, fl.src) || isHost(e.host, fl.dst) {
				return e
			}
		case holdNIC:
			if isHost(e.host, fl.src) {
				if srcNIC == -2 {
					srcNIC = fl.src.nicForLocked(fl.dst, fl.srcIP)
				}
				if srcNIC == e.nic {
					return e
				}
			}
			if isHost(e.host, fl.dst) {
				if dstNIC == -2 {
					dstNIC = fl.dst.nicForLocked(fl.src, fl.dstIP)
				}
				if dstNIC == e.nic {
					return e
				}
			}
		}
	}
	return nil
}

// matchHost reports whether a host pattern ("" = any) matches h. Traffic
// to or from an address no host owns never matches anything.
func matchHost(pattern string, h *Host) bool {
	return h != nil && (pattern == "" || pattern == h.name)
}

// isHost reports whether h is the named host.
func isHost(name string, h *Host) bool { return h != nil && h.name == name }

// releaseHeldLocked re-checks every held stream direction, in the order they
// were held, and releases those nothing holds any more; the others pass to
// the fault that now holds them (what they held so far stays charged to
// the fault that held it first).
func (n *Network) releaseHeldLocked() {
	kept := n.held[:0]
	for _, p := range n.held {
		if !p.held {
			continue
		}
		if e := n.streamHolderLocked(p); e != nil {
			p.heldBy = e.f
			kept = append(kept, p)
			continue
		}
		p.release()
	}
	clear(n.held[len(kept):])
	n.held = kept
}
