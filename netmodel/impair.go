package netmodel

import (
	"fmt"
	"strings"
	"time"
)

// Impairment degrades the traffic it matches without stopping it.
//
// Composition when several installed impairments match the same traffic:
// the newest one with a Latency sets the delay (a later "slow-network"
// fault overrides an earlier one, as a scenario reader expects), while
// Loss, Duplicate and Reorder of every match apply, each an independent
// element in series, like two lossy hops: the combined loss is
// 1 - Π(1-Loss). Letting only the newest one act would make an earlier,
// still active fault silently ineffective, and its Effect would say so
// wrongly. Each event is charged to the first (oldest) impairment whose
// draw hits.
type Impairment struct {
	// Latency replaces the delay distribution for matching traffic,
	// packets and stream segments; nil leaves it unchanged.
	Latency *Latency
	// Loss is the extra probability that a packet is dropped, on top of
	// the link's own loss. Packets only: streams never lose bytes.
	Loss float64
	// Duplicate is the probability that a packet is delivered twice; the
	// copy takes its own latency sample (and its own queue slot).
	Duplicate float64
	// Reorder is the probability that a packet gets one extra latency
	// sample added, so later packets overtake it. Packets only: streams
	// stay ordered. With a zero latency it has nothing to add.
	Reorder float64
}

// Validate checks the latency, if any, and that each probability is in
// [0, 1].
func (imp Impairment) Validate() error {
	if imp.Latency != nil {
		if err := imp.Latency.Validate(); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", imp.Loss}, {"duplicate", imp.Duplicate}, {"reorder", imp.Reorder}} {
		if p.v < 0 || p.v > 1 || p.v != p.v {
			return fmt.Errorf("netmodel: impairment %s %v is not in [0, 1]", p.name, p.v)
		}
	}
	return nil
}

// String renders the impairment in the scenario files' flow syntax with
// only the fields that are set, e.g. "{loss: 0.1, reorder: 0.05}".
func (imp Impairment) String() string {
	var parts []string
	if imp.Latency != nil {
		parts = append(parts, "latency: "+imp.Latency.String())
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", imp.Loss}, {"duplicate", imp.Duplicate}, {"reorder", imp.Reorder}} {
		if p.v != 0 {
			parts = append(parts, fmt.Sprintf("%s: %v", p.name, p.v))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// impairEntry is one installed impairment. The network keeps them in
// installation order.
type impairEntry struct {
	f        *Fault
	from, to string // host names, "" = any known host
	imp      Impairment
}

func (e *impairEntry) matches(src, dst *Host) bool {
	return matchHost(e.from, src) && matchHost(e.to, dst)
}

// Impair degrades traffic from host `from` to host `to` ("" matches any
// host) while f is active. One direction only: call it twice for both.
// It panics on an invalid impairment: scenario input is validated before
// it gets here.
func (f *Fault) Impair(from, to string, imp Impairment) {
	if err := imp.Validate(); err != nil {
		panic(fmt.Sprintf("netmodel: fault %q: Impair(%q, %q): %v", f.name, from, to, err))
	}
	if imp.Latency != nil {
		lat := *imp.Latency // the caller's value stays theirs
		imp.Latency = &lat
	}
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	f.installLocked(fmt.Sprintf("impair %s->%s %v", hostPattern(from), hostPattern(to), imp))
	n.imps = append(n.imps, &impairEntry{f: f, from: from, to: to, imp: imp})
}

// The helpers below are called only when n.imps is not empty, with n.mu
// held. Each draws only for impairments that match and have a non-zero
// probability, oldest first, and stops at the first hit, so the random
// stream depends only on what matches.

// impairedLatencyLocked returns the newest matching impairment with a
// Latency, or nil.
func (n *Network) impairedLatencyLocked(src, dst *Host) *impairEntry {
	for i := len(n.imps) - 1; i >= 0; i-- {
		if e := n.imps[i]; e.imp.Latency != nil && e.matches(src, dst) {
			return e
		}
	}
	return nil
}

// impairDrawLocked draws for every matching impairment whose probability
// (chosen by prob) is positive, and returns the first that hits, or nil.
func (n *Network) impairDrawLocked(src, dst *Host, prob func(*Impairment) float64) *Fault {
	for _, e := range n.imps {
		if p := prob(&e.imp); p > 0 && e.matches(src, dst) && n.rnd.Float64() < p {
			return e.f
		}
	}
	return nil
}

func impLoss(i *Impairment) float64      { return i.Loss }
func impDuplicate(i *Impairment) float64 { return i.Duplicate }
func impReorder(i *Impairment) float64   { return i.Reorder }

// segmentDelayLocked draws the delay of a new segment on p: the newest
// matching impairment's latency (counted as delayed), else the link's.
func (n *Network) segmentDelayLocked(p *pipe) time.Duration {
	if len(n.imps) > 0 {
		if e := n.impairedLatencyLocked(p.from.host, p.to.host); e != nil {
			e.f.effect.SegmentsDelayed++
			n.stats.StreamSegmentsDelayed++
			return e.imp.Latency.Sample(n.rnd)
		}
	}
	return n.delayLocked(p.from.local.IP, p.to.local.IP)
}

// releaseDelayLocked draws the delay of held segments released now: like
// segmentDelayLocked, without counting (they were counted when sent).
func (n *Network) releaseDelayLocked(p *pipe) time.Duration {
	if len(n.imps) > 0 {
		if e := n.impairedLatencyLocked(p.from.host, p.to.host); e != nil {
			return e.imp.Latency.Sample(n.rnd)
		}
	}
	return n.delayLocked(p.from.local.IP, p.to.local.IP)
}
