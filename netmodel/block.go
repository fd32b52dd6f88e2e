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
