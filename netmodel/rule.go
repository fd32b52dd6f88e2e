package netmodel

import "fmt"

// Proto selects the kinds of traffic a block applies to.
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

// Block stops traffic of kind p from host `from` to host `to` (host names;
// they need not exist yet; "" matches any host) while f is active: packets
// are dropped, stream segments and handshakes are held and released in
// order on Lift. One direction only: call it twice for a symmetric
// partition. It panics if p is empty: a block that can never match is a
// harness bug.
func (f *Fault) Block(from, to string, p Proto) {
	if p&AllTraffic == 0 {
		panic(fmt.Sprintf("netmodel: fault %q: Block(%q, %q) with no protocol", f.name, from, to))
	}
	p &= AllTraffic
	f.addHold(&holdEntry{kind: holdBlock, from: from, to: to, proto: p}, blockString(from, to, p))
}

func blockString(from, to string, p Proto) string {
	return fmt.Sprintf("block %s->%s %s", hostPattern(from), hostPattern(to), p)
}

// hostPattern prints a host pattern, "*" for any host.
func hostPattern(name string) string {
	if name == "" {
		return "*"
	}
	return name
}

// RuleStats counts what one rule did while it was installed.
type RuleStats struct {
	PacketsDropped uint64 `json:"packets_dropped"`
	SegmentsHeld   uint64 `json:"segments_held"`
	DialsStalled   uint64 `json:"dials_stalled"`
}

// Rule is a single directional block, a Fault with one Block in it (kept
// for callers that need nothing more). Traffic of kind Proto from host
// From to host To does not get through while the rule is installed.
type Rule struct {
	f     *Fault
	from  string
	to    string
	proto Proto
}

// Block installs a rule that stops traffic of kind p from host `from` to
// host `to`, like Fault.Block on a fault of its own. It panics if p is
// empty.
func (n *Network) Block(from, to string, p Proto) *Rule {
	if p&AllTraffic == 0 {
		panic(fmt.Sprintf("netmodel: Block(%q, %q) with no protocol", from, to))
	}
	r := &Rule{from: from, to: to, proto: p & AllTraffic}
	r.f = n.NewFault(r.String())
	r.f.Block(from, to, p)
	return r
}

// BlockBoth installs Block(a, b, p) and Block(b, a, p), a symmetric
// partition between two hosts, and returns both rules in that order.
func (n *Network) BlockBoth(a, b string, p Proto) []*Rule {
	return []*Rule{n.Block(a, b, p), n.Block(b, a, p)}
}

// Remove lifts r (Fault.Lift): each held stream direction that no other
// fault holds resumes, in order, at now plus a fresh latency sample.
// Removing a rule twice is a no-op.
func (n *Network) Remove(r *Rule) { r.f.Lift() }

// String describes the rule in fault vocabulary, e.g. "block a->b streams".
func (r *Rule) String() string { return blockString(r.from, r.to, r.proto) }

// Fault returns the fault behind the rule.
func (r *Rule) Fault() *Fault { return r.f }

// Stats returns what the rule has done so far.
func (r *Rule) Stats() RuleStats {
	e := r.f.Effect()
	return RuleStats{PacketsDropped: e.PacketsDropped, SegmentsHeld: e.SegmentsHeld, DialsStalled: e.DialsStalled}
}

// Active reports whether the rule is still installed.
func (r *Rule) Active() bool { return r.f.Active() }
