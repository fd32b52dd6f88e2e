package checker

import (
	"math"
	"slices"
	"strings"

	"github.com/consim/consim/event"
	"github.com/consim/consim/event/owed"
)

// UserEventStats judges user-event delivery from a stream: did every event reach every
// member it was owed to, once, in Lamport order per origin, and how fast.
//
// A member is owed an event when it was up at the moment the event was fired, its tags
// then matched the event's filter, and it stayed up to the end of the run (a member
// that went down meanwhile may or may not have had it: it is not counted either way).
type UserEventStats struct {
	// Fired is the events fired; Rejected those the origin refused (too big, say).
	Fired    int `json:"fired"`
	Rejected int `json:"rejected"`
	// Deliveries is every user_event line; ExpectedDeliveries the (event, member) pairs
	// owed; Missing the owed pairs never delivered.
	Deliveries         int `json:"deliveries"`
	ExpectedDeliveries int `json:"expected_deliveries"`
	Missing            int `json:"missing"`
	// Unexpected counts deliveries to members that were not up at the fire time or
	// whose tags did not match the filter: replays to late joiners (only expected with
	// gossip.replay) or filter leaks.
	Unexpected int `json:"unexpected"`
	// LeftLater counts first deliveries to members that were up and matching at the fire
	// time but went down before the end of the run: not owed (they may or may not get
	// it), and so neither missing nor unexpected when they do. Deliveries is the owed
	// ones made plus LeftLater, Unexpected and Duplicates.
	LeftLater int `json:"delivered_left_later"`
	// Duplicates counts deliveries of an event a member had already delivered (since its
	// last start); OutOfOrder deliveries of an event older than one already delivered
	// from the same origin.
	Duplicates int `json:"duplicates"`
	OutOfOrder int `json:"out_of_order"`
	// LostWithOrigin counts events that went down with every member that had them (their
	// origin, before any other member had them, or all at once): owed to no one (Serf
	// keeps events in memory). Excused counts the (event,
	// member) pairs not owed because the member's join was under way when it fired.
	LostWithOrigin int `json:"lost_with_origin"`
	Excused        int `json:"excused_joining"`
	// LateJoiners counts first deliveries to members that came up after the event fired
	// and either had it by gossip before their join was answered or joined through a
	// member that did not have it yet when they came up: Serf then takes the event when
	// gossip brings it (a race, not a replay), so it is neither owed nor unexpected.
	LateJoiners int `json:"delivered_late_joiners"`
	// LatencyMS is the delivery latency (delivery time minus fire time) of first
	// deliveries to members up at the fire time, origins included; nil without any.
	LatencyMS *Percentiles `json:"latency_ms"`
}

// Percentiles summarizes a distribution (nearest-rank percentiles).
type Percentiles struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// NewPercentiles returns the percentiles of xs (any order), or nil for none.
func NewPercentiles(xs []float64) *Percentiles {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := func(p float64) float64 { return s[int(math.Ceil(p*float64(len(s))))-1] }
	return &Percentiles{P50: rank(0.50), P99: rank(0.99), Max: s[len(s)-1]}
}

// UserEvents computes UserEventStats from a stream. Who is owed what is owed.Ledger's
// rule, the one the world's liveness phase waits on.
func UserEvents(run *Run) UserEventStats {
	st, _ := userEvents(run)
	return st
}

// UserEventLatenciesMS are the delivery latencies UserEventStats.LatencyMS summarizes, in
// milliseconds, in stream order: what a page plots as a distribution.
func UserEventLatenciesMS(run *Run) []float64 {
	_, l := userEvents(run)
	return l
}

// userEvents is UserEvents, with the latencies it summarizes.
func userEvents(run *Run) (UserEventStats, []float64) {
	events := run.Events
	var st UserEventStats
	lastDown := map[string]event.Time{}
	for _, ev := range events {
		if ev.Type == event.NodeDown {
			lastDown[ev.Node] = ev.T
		}
	}
	ledger := owed.New()
	starts := map[string]int{}
	type delivery struct {
		key   owed.Key
		node  string
		start int
	}
	delivered := map[delivery]bool{}
	type stream struct {
		node, origin string
		start        int
	}
	lastLTime := map[stream]uint64{}
	var latencies []float64
	// For deliveries to members that were not up when the event fired: when each start
	// began, which member it joined through, and when each member first had each event.
	type start struct {
		node string
		n    int
	}
	upAt, joinedVia := map[start]event.Time{}, map[start]string{}
	// A member writes node_up once its agent is set up, after memberlist already listens:
	// a line from a member that is down, or was never up, belongs to the start under way.
	isUp := map[string]bool{}
	current := func(node string) int {
		if isUp[node] {
			return starts[node]
		}
		return starts[node] + 1
	}
	byIP := map[string]string{}
	firstHad := map[owed.Key]map[string]event.Time{}
	type lateDelivery struct {
		k  owed.Key
		at start
		// gossipBeforeJoin: it came by gossip before the member's join was answered.
		gossipBeforeJoin bool
	}
	var late []lateDelivery
	for _, ev := range events {
		switch ev.Type {
		case event.NodeDown:
			isUp[ev.Node] = false
		case event.NodeUp:
			starts[ev.Node]++
			isUp[ev.Node] = true
			upAt[start{ev.Node, starts[ev.Node]}] = ev.T
			byIP[ev.Addr] = ev.Node
		case event.Join:
			if ev.Reason == "" {
				ip, _, _ := strings.Cut(ev.Addr, ":")
				joinedVia[start{ev.Node, starts[ev.Node]}] = byIP[ip]
			}
		case event.UserEventFired:
			if ev.Reason != "" {
				st.Rejected++
			} else {
				st.Fired++
			}
		case event.UserEvent:
			st.Deliveries++
			k := owed.Key{Origin: ev.Origin, Name: ev.Name, LTime: ev.LTime}
			at := start{ev.Node, current(ev.Node)}
			d := delivery{k, ev.Node, at.n}
			if delivered[d] {
				st.Duplicates++
				break
			}
			delivered[d] = true
			if firstHad[k] == nil {
				firstHad[k] = map[string]event.Time{}
			}
			if _, ok := firstHad[k][ev.Node]; !ok {
				firstHad[k][ev.Node] = ev.T
			}
			s := stream{ev.Node, ev.Origin, at.n}
			if last, ok := lastLTime[s]; ok && ev.LTime < last {
				st.OutOfOrder++
			}
			lastLTime[s] = max(lastLTime[s], ev.LTime)
			f := ledger.Lookup(k)
			if f == nil || !f.Eligible[ev.Node] {
				// No join line yet: the join's push-pull has not been merged.
				_, joined := joinedVia[at]
				late = append(late, lateDelivery{k, at, !joined && ev.Via != event.ViaPushPull})
				break
			}
			if !f.Delivered[ev.Node] {
				latencies = append(latencies, math.Round((ev.T-f.At).Seconds()*1e6)/1e3)
				if down, ok := lastDown[ev.Node]; ok && down >= f.At {
					st.LeftLater++
				}
			}
		}
		ledger.Observe(ev)
	}
	// A member that came up after the event fired gets it legitimately by gossip before
	// its join is answered (Serf sets the minimum event time it accepts only when it
	// merges the join's push-pull: a restarted member that peers still gossip to takes an
	// event a few milliseconds after it starts, sometimes before its node_up line), or at
	// any time when the member it joined through did not have it yet when it came up (its
	// join's push-pull could not carry the event's time); otherwise Serf must have ignored
	// it, and a delivery is a leak, as is one to a member the event's filter does not
	// select. A delivery by gossip that
	// the join's answer had already made too old, but that comes before the join line
	// (written once the join returns), is a leak this lets through: never a false alarm.
	for _, d := range late {
		f := ledger.Lookup(d.k)
		peer, joined := joinedVia[d.at]
		had, peerHad := firstHad[d.k][peer]
		switch {
		case f == nil || !ledger.Selects(f, d.at.node) || f.At >= upAt[d.at]:
			st.Unexpected++ // never fired, filtered out, or up (and so judged) at fire time
		case d.gossipBeforeJoin:
			st.LateJoiners++
		case joined && peerHad && had < upAt[d.at]:
			st.Unexpected++
		default:
			st.LateJoiners++
		}
	}
	st.ExpectedDeliveries, st.Missing = ledger.Counts()
	for _, f := range ledger.Fired() {
		if f.Lost() {
			st.LostWithOrigin++
		}
		st.Excused += len(f.Excused)
	}
	st.LatencyMS = NewPercentiles(latencies)
	return st, latencies
}
