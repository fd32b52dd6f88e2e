package netmodel

import (
	"fmt"
	"slices"
)

// Proto selects the kinds of traffic a rule applies to.
type Proto uint8

// Traffic kinds. Blocking Packets alone ("UDP blocked, TCP fine") is the
// classic cause of gossip flapping.
const (
	Packets Proto = 1 << iota
	Streams
	AllTraffic = Packets | Streams
)

// String returns "packets", "streams", "all" (or "none"/"Proto(n)").
func (p Proto) String() string {
	switch p {
	case Packets:
		return "packets"
	case Streams:
		return "streams"
	case AllTraffic:
		return "all"
	case 0:
		return "none"
	}
	return fmt.Sprintf("Proto(%d)", uint8(p))
}

// RuleStats counts what one rule did while it was installed.
type RuleStats struct {
	PacketsDropped uint64 `json:"packets_dropped"`
	SegmentsHeld   uint64 `json:"segments_held"`
	DialsStalled   uint64 `json:"dials_stalled"`
}

// Rule is a directional block: traffic of kind Proto from host From to host
// To does not get through while the rule is installed. Packets are dropped;
// stream segments and handshakes are held and released in order when no rule
// matches any more. When several rules match, the oldest one is charged, so
// the rules' counters sum to the network's.
type Rule struct {
	n      *Network
	from   string
	to     string
	proto  Proto
	stats  RuleStats // guarded by n.mu
	active bool      // guarded by n.mu
}

// Block installs a rule that stops traffic of kind p from host `from` to host
// `to` (host names; they need not exist yet). It panics if p is empty:
// a rule that can never match is a harness bug.
func (n *Network) Block(from, to string, p Proto) *Rule {
	if p&AllTraffic == 0 {
		panic(fmt.Sprintf("netmodel: Block(%q, %q) with no protocol", from, to))
	}
	r := &Rule{n: n, from: from, to: to, proto: p & AllTraffic, active: true}
	n.mu.Lock()
	n.rules = append(n.rules, r)
	n.mu.Unlock()
	return r
}

// BlockBoth installs Block(a, b, p) and Block(b, a, p), a symmetric
// partition between two hosts, and returns both rules in that order.
func (n *Network) BlockBoth(a, b string, p Proto) []*Rule {
	return []*Rule{n.Block(a, b, p), n.Block(b, a, p)}
}

// Remove lifts r and releases the stream traffic it held: each held stream
// direction that no other rule blocks resumes, in order, at now plus a fresh
// latency sample. Removing a rule twice is a no-op.
func (n *Network) Remove(r *Rule) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !r.active {
		return
	}
	r.active = false
	if i := slices.Index(n.rules, r); i >= 0 {
		n.rules = slices.Delete(n.rules, i, i+1)
	}
	n.releaseHeldLocked()
}

// String describes the rule in fault vocabulary, e.g. "block a->b streams".
func (r *Rule) String() string {
	return fmt.Sprintf("block %s->%s %s", r.from, r.to, r.proto)
}

// Stats returns what the rule has done so far.
func (r *Rule) Stats() RuleStats {
	r.n.mu.Lock()
	defer r.n.mu.Unlock()
	return r.stats
}

// Active reports whether the rule is still installed.
func (r *Rule) Active() bool {
	r.n.mu.Lock()
	defer r.n.mu.Unlock()
	return r.active
}

// matchLocked returns the oldest installed rule that blocks traffic of kind
// p from host `from` to host `to`, or nil. Unknown hosts ("") never match.
func (n *Network) matchLocked(from, to string, p Proto) *Rule {
	if from == "" || to == "" {
		return nil
	}
	for _, r := range n.rules {
		if r.proto&p != 0 && r.from == from && r.to == to {
			return r
		}
	}
	return nil
}

// releaseHeldLocked re-checks every held stream direction, in the order they
// were held, and releases those no rule blocks any more.
func (n *Network) releaseHeldLocked() {
	kept := n.held[:0]
	for _, p := range n.held {
		if !p.held {
			continue
		}
		if r := n.matchLocked(p.fromHost(), p.toHost(), Streams); r != nil {
			p.heldBy = r
			kept = append(kept, p)
			continue
		}
		p.release()
	}
	clear(n.held[len(kept):])
	n.held = kept
}
