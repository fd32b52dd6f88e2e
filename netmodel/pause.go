package netmodel

import "fmt"

// Pause freezes all traffic to and from the named host while f is active,
// a stand-in for a GC pause or SIGSTOP as its peers see it: packets are
// queued in send order (not dropped; up to Config.PauseQueueLimit per
// fault, beyond which they are counted drops), stream segments and
// handshakes are held. On Lift the packets are sent again in order, each
// at the lift time plus a fresh latency sample (so jitter may reorder
// them, and packets due at the same instant arrive in no promised order,
// as for any packets), and the streams resume in order. A held
// packet whose destination crashed in the meantime is dropped on arrival,
// as usual. The host need not exist yet.
//
// What a pause cannot model: only the host's traffic is frozen, not the
// node. Its goroutines and timers keep running on the shared virtual
// clock, so during the pause it goes on timing out peers (memberlist marks
// them suspect, raft starts elections), building and queueing messages,
// applying entries and serving local reads; a real paused process does
// none of that and would, on waking, see all its timers fire at once.
// Its traffic is frozen in both directions, so nobody can observe the
// difference until Lift, when the queued traffic of the whole pause
// arrives in one burst.
func (f *Fault) Pause(host string) {
	if host == "" {
		panic(fmt.Sprintf("netmodel: fault %q: Pause with no host", f.name))
	}
	f.addHold(&holdEntry{kind: holdPause, host: host}, "pause "+host)
}

// heldPacket is a packet stopped by a fault before it reached the wire.
type heldPacket struct {
	from  *endpoint
	dst   *Host
	epoch uint64 // dst's epoch at send time
	to    portKey
	buf   []byte
}

// stopPacketLocked applies hold entry e to a packet: a pause queues it
// (copying buf first if clone is set), a block or a down NIC drops it.
// The fault of e is charged.
func (n *Network) stopPacketLocked(e *holdEntry, hp heldPacket, clone bool) {
	f := e.f
	switch e.kind {
	case holdPause:
		if len(f.paused) >= n.cfg.PauseQueueLimit {
			f.effect.PacketsDropped++
			n.stats.PacketsDroppedPauseQueue++
			return
		}
		if clone {
			hp.buf = append([]byte(nil), hp.buf...)
		}
		f.paused = append(f.paused, hp)
		f.effect.PacketsHeld++
		n.stats.PacketsHeld++
	case holdNIC:
		f.effect.PacketsDropped++
		n.stats.PacketsDroppedNIC++
	default:
		f.effect.PacketsDropped++
		n.stats.PacketsDroppedBlocked++
	}
}

// releasePausedLocked sends the packets f's pauses held, in send order,
// from where they stopped: a fault that still matches one takes it (an
// older pause on the same host keeps holding it), the others go on to
// forwardLocked with fresh samples.
func (n *Network) releasePausedLocked(f *Fault) {
	pkts := f.paused
	f.paused = nil
	for _, hp := range pkts {
		if len(n.holds) > 0 {
			if e := n.holderLocked(flow{hp.from.h, hp.dst, hp.from.addr.IP, hp.to.ip}, Packets); e != nil {
				n.stopPacketLocked(e, hp, false)
				continue
			}
		}
		n.forwardLocked(hp.from, hp.dst, hp.epoch, hp.to, hp.buf, false)
	}
}
