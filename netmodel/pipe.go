package netmodel

import (
	"slices"
	"time"
)

// segKind is what a stream segment carries. Handshake steps travel through
// the same ordered pipes as data, so a fault holds them the same way
// and a SYN-ACK can never overtake the RST or data sent after it.
type segKind uint8

const (
	segData   segKind = iota
	segFIN            // end of the sender's data: the receiver reads EOF
	segRST            // abort: the receiver fails (refused if still dialing)
	segSYN            // client -> server: open
	segSYNACK         // server -> client: accepted
	segMsg            // a message: a Go value handed over whole (message.go)
)

// segment is one unit in flight on a pipe.
type segment struct {
	kind segKind
	data []byte
	msg  message   // segMsg only
	at   time.Time // delivery time; non-decreasing along a pipe
}

// pipe is one direction of a stream, from one Conn to its peer: the
// segments in flight and, at the receiving end, the bytes delivered but not
// yet read. All fields are guarded by the network's mutex.
//
// Delivery: each segment is due at max(previous segment's due time, send
// time + a latency sample), which keeps the direction ordered. One timer is
// armed for the head. When the head is due and a fault stops the direction
// (a block, a pause, a NIC down), the whole pipe is held (appended to
// Network.held) until Fault.Lift releases it. Nothing is ever dropped from
// the middle of a live pipe. An impairment may change the latency samples,
// never the order.
type pipe struct {
	s        *stream
	from, to *Conn

	pending  []segment
	chunks   [][]byte  // delivered, unread
	msgs     []message // delivered, unread messages (message.go)
	off      int       // read offset into chunks[0]
	buffered int       // data bytes written and not yet read (pending + chunks)
	eof      bool      // FIN delivered

	dead   bool // receiver gone or stream torn down: drop everything
	held   bool
	heldBy *Fault // the fault charged for what this pipe holds
	timer  *time.Timer
	lastAt time.Time
}

// streamHolderLocked returns the oldest hold entry that stops the
// direction p, or nil.
func (n *Network) streamHolderLocked(p *pipe) *holdEntry {
	return n.holderLocked(flow{p.from.host, p.to.host, p.from.local.IP, p.to.local.IP}, Streams)
}

// enqueue puts a segment at the tail. Enqueueing on a dead pipe does nothing.
func (p *pipe) enqueue(kind segKind, data []byte) {
	p.enqueueSeg(segment{kind: kind, data: data})
}

// enqueueSeg is enqueue of a segment built by the caller (a message).
func (p *pipe) enqueueSeg(seg segment) {
	if p.dead {
		return
	}
	kind := seg.kind
	n := p.s.n
	now := time.Now()
	at := now.Add(n.segmentDelayLocked(p))
	if at.Before(p.lastAt) {
		at = p.lastAt
	}
	p.lastAt = at
	seg.at = at
	p.pending = append(p.pending, seg)
	switch {
	case p.held:
		p.countHeld(p.heldBy, kind)
	case len(p.pending) == 1:
		p.arm(at.Sub(now))
	}
}

func (p *pipe) arm(d time.Duration) {
	if p.timer == nil {
		p.timer = time.AfterFunc(d, p.fire)
		return
	}
	p.timer.Reset(d)
}

// fire is the timer callback. It may run spuriously (after a Reset raced
// with a firing); deliverDue copes.
func (p *pipe) fire() {
	n := p.s.n
	n.mu.Lock()
	defer n.mu.Unlock()
	p.deliverDue()
}

// deliverDue delivers every due segment at the head, unless a fault stops
// the direction, in which case the pipe is held.
func (p *pipe) deliverDue() {
	if p.dead || p.held {
		return
	}
	n := p.s.n
	now := time.Now()
	delivered := false
	for len(p.pending) > 0 && !p.dead {
		if at := p.pending[0].at; at.After(now) {
			p.arm(at.Sub(now))
			break
		}
		if len(n.holds) > 0 {
			if e := n.streamHolderLocked(p); e != nil {
				p.hold(e.f)
				break
			}
		}
		seg := p.pending[0]
		p.pending[0] = segment{}
		p.pending = p.pending[1:]
		p.deliver(seg)
		delivered = true
	}
	if delivered {
		p.s.broadcast()
	}
}

// deliver applies one segment at the receiving end.
func (p *pipe) deliver(seg segment) {
	switch seg.kind {
	case segData:
		p.chunks = append(p.chunks, seg.data)
	case segMsg:
		p.msgs = append(p.msgs, seg.msg)
	case segFIN:
		p.eof = true
		p.to.notifyPeerCloseLocked()
	case segRST:
		p.to.peerResetLocked()
	case segSYN:
		p.s.synArrivedLocked()
	case segSYNACK:
		p.to.established = true
	}
}

// hold parks the pipe behind fault f, charging f for what is pending.
func (p *pipe) hold(f *Fault) {
	p.held = true
	p.heldBy = f
	for _, seg := range p.pending {
		p.countHeld(f, seg.kind)
	}
	n := p.s.n
	n.held = append(n.held, p)
}

func (p *pipe) countHeld(f *Fault, kind segKind) {
	n := p.s.n
	if kind == segSYN || kind == segSYNACK {
		f.effect.DialsStalled++
		n.stats.DialsStalled++
		return
	}
	f.effect.SegmentsHeld++
	n.stats.StreamSegmentsHeld++
}

// release resumes a held pipe: everything pending is due no earlier than
// now plus a fresh latency sample, still in order. The caller removes the
// pipe from Network.held.
func (p *pipe) release() {
	n := p.s.n
	p.held = false
	p.heldBy = nil
	now := time.Now()
	base := now.Add(n.releaseDelayLocked(p))
	for i := range p.pending {
		if p.pending[i].at.Before(base) {
			p.pending[i].at = base
		}
	}
	if p.lastAt.Before(base) {
		p.lastAt = base
	}
	if len(p.pending) > 0 {
		p.arm(p.pending[0].at.Sub(now))
	}
}

// kill tears the pipe down: nothing in it will be delivered or read, and
// its buffer budget is returned (waking a writer blocked on it).
func (p *pipe) kill() {
	if p.dead {
		return
	}
	p.dead = true
	p.pending = nil
	p.chunks = nil
	p.msgs = nil
	p.off = 0
	p.buffered = 0
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.held {
		p.held = false
		p.heldBy = nil
		n := p.s.n
		if i := slices.Index(n.held, p); i >= 0 {
			n.held = slices.Delete(n.held, i, i+1)
		}
	}
}

// read copies delivered bytes into b and returns how many.
func (p *pipe) read(b []byte) int {
	total := 0
	for total < len(b) && len(p.chunks) > 0 {
		k := copy(b[total:], p.chunks[0][p.off:])
		total += k
		p.off += k
		if p.off == len(p.chunks[0]) {
			p.chunks[0] = nil
			p.chunks = p.chunks[1:]
			p.off = 0
		}
	}
	p.buffered -= total
	return total
}
