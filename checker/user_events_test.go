package checker

import (
	"reflect"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

func atMS(ms int) event.Time { return event.Time(time.Duration(ms) * time.Millisecond) }

func up(ms int, node string, tags map[string]string) event.Event {
	return event.Event{T: atMS(ms), Type: event.NodeUp, Node: node, Tags: tags, Addr: "ip-of-" + node}
}

func joinVia(ms int, node, peer string) event.Event {
	return event.Event{T: atMS(ms), Type: event.Join, Node: node, Addr: "ip-of-" + peer + ":8301"}
}

func fire(ms int, node, name string, lt uint64) event.Event {
	return event.Event{T: atMS(ms), Type: event.UserEventFired, Node: node, Name: name, LTime: lt}
}

func deliver(ms int, node, origin, name string, lt uint64) event.Event {
	return event.Event{T: atMS(ms), Type: event.UserEvent, Node: node, Origin: origin, Name: name, LTime: lt}
}

var web = map[string]string{"role": "web"}
var db = map[string]string{"role": "db"}

// A good history: two events reach every member once, in order; a filtered one reaches
// only web members; a member that crashed after a fire is not owed it.
func TestUserEventsGoodHistory(t *testing.T) {
	evs := []event.Event{
		up(0, "a", web), up(0, "b", web), up(0, "c", db), up(0, "d", db),
		fire(1000, "a", "deploy", 1), deliver(1000, "a", "a", "deploy", 1),
		fire(1000, "a", "deploy", 2), deliver(1000, "a", "a", "deploy", 2),
		deliver(1100, "b", "a", "deploy", 1), deliver(1150, "b", "a", "deploy", 2),
		deliver(1200, "c", "a", "deploy", 1), deliver(1300, "c", "a", "deploy", 2),
		deliver(1210, "d", "a", "deploy", 1), // before it crashed: not owed, left later
		{T: atMS(1250), Type: event.NodeDown, Node: "d", Reason: "crash"},
		{T: atMS(2000), Type: event.UserEventFired, Node: "c", Name: "reindex", LTime: 3, Filter: &event.Filter{Tags: map[string]string{"role": "web"}}},
		deliver(2100, "a", "c", "reindex", 3), deliver(2200, "b", "c", "reindex", 3),
		{T: atMS(3000), Type: event.UserEventFired, Node: "a", Name: "huge", Reason: "too big"},
	}
	got := UserEvents(NewRun(evs))
	want := UserEventStats{
		Fired: 3, Rejected: 1, Deliveries: 9, ExpectedDeliveries: 8, // 2 x {a, b, c} + 2 web
		LeftLater: 1, // every delivery is accounted for: 8 owed + 1 to d, which left later
		LatencyMS: &Percentiles{P50: 150, P99: 300, Max: 300},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v %+v\nwant %+v %+v", got, got.LatencyMS, want, want.LatencyMS)
	}
	// The latencies the percentiles summarize, in stream order: a's own two (0 ms), b's,
	// c's, d's (up at the fire time, down later), then the filtered event's two.
	if l := UserEventLatenciesMS(NewRun(evs)); !reflect.DeepEqual(l, []float64{0, 0, 100, 150, 200, 300, 210, 100, 200}) {
		t.Errorf("latencies %v", l)
	}
}

// A bad history: a missing delivery, a duplicate, an out-of-order pair, a filter leak
// and a replay to a late joiner are each counted.
func TestUserEventsBadHistory(t *testing.T) {
	evs := []event.Event{
		up(0, "a", web), up(0, "b", web), up(0, "c", db),
		fire(1000, "a", "e", 1), fire(1000, "a", "e", 2),
		deliver(1000, "a", "a", "e", 1), deliver(1000, "a", "a", "e", 2),
		deliver(1100, "b", "a", "e", 2), deliver(1200, "b", "a", "e", 1), // out of order
		deliver(1300, "b", "a", "e", 1), // duplicate
		// c never delivers e@2: missing
		deliver(1400, "c", "a", "e", 1),
		{T: atMS(2000), Type: event.UserEventFired, Node: "a", Name: "w", LTime: 3, Filter: &event.Filter{Tags: map[string]string{"role": "web"}}},
		deliver(2100, "b", "a", "w", 3), deliver(2100, "a", "a", "w", 3),
		deliver(2200, "c", "a", "w", 3), // filter leak
		up(3000, "late", db), joinVia(3010, "late", "a"),
		deliver(3100, "late", "a", "e", 1), // replayed to a late joiner: a had it at 1000
	}
	got := UserEvents(NewRun(evs))
	if got.Missing != 1 || got.Duplicates != 1 || got.OutOfOrder != 1 || got.Unexpected != 2 ||
		got.ExpectedDeliveries != 8 || got.Deliveries != 10 || got.Fired != 3 || got.LateJoiners != 0 {
		t.Errorf("got %+v", got)
	}
}

// A member that came up after an event fired, joining through a member that did not have
// it yet, may take it when gossip brings it: Serf's join race, not a replay. Joining
// through one that already had it, it must not.
func TestUserEventsLateJoiners(t *testing.T) {
	evs := []event.Event{
		up(0, "a", web), up(0, "b", web),
		fire(1000, "a", "e", 1), deliver(1000, "a", "a", "e", 1),
		up(1010, "racer", web), joinVia(1030, "racer", "b"),
		deliver(1040, "racer", "a", "e", 1), // b had not had it at 1010
		deliver(1050, "b", "a", "e", 1),
		up(2000, "replayed", web), joinVia(2010, "replayed", "b"),
		deliver(2050, "replayed", "a", "e", 1), // b had it at 1050
	}
	got := UserEvents(NewRun(evs))
	if got.LateJoiners != 1 || got.Unexpected != 1 || got.Missing != 0 || got.ExpectedDeliveries != 2 {
		t.Errorf("got %+v, want 1 late joiner, 1 unexpected, 2 owed and none missing", got)
	}
}

// A member that restarts while an event spreads may take it by gossip before its join is
// answered, even through a peer that had it long before (Serf raises the minimum time it
// accepts only when it merges the join's push-pull): a race, as the no-bug hunt found
// (seed 1, check 115: server-2 restarted at 9.300 s and had by gossip at 9.301 s the
// event fired at 9.000 s, before its join through server-1 returned at 9.304 s). What the
// join's push-pull itself hands it, from a peer that had it before it came up, is a
// replay.
func TestUserEventsGossipBeforeJoin(t *testing.T) {
	pushPull := func(e event.Event) event.Event { e.Via = event.ViaPushPull; return e }
	evs := []event.Event{
		up(0, "a", web), up(0, "b", web), up(0, "restarted", web),
		{T: atMS(500), Type: event.NodeDown, Node: "restarted", Reason: "crash"},
		fire(1000, "a", "e", 1), deliver(1000, "a", "a", "e", 1),
		deliver(1100, "b", "a", "e", 1),
		up(1300, "raced", web),
		deliver(1301, "raced", "a", "e", 1), // by gossip, before its join returned
		joinVia(1304, "raced", "b"),
		// memberlist listens before the agent writes node_up: a restarted member's
		// first line can be a delivery, which belongs to its new start
		deliver(1401, "restarted", "a", "e", 1),
		up(1402, "restarted", web),
		joinVia(1406, "restarted", "b"),
		up(2000, "replayed", web),
		pushPull(deliver(2004, "replayed", "a", "e", 1)), // in the join's push-pull
		joinVia(2004, "replayed", "b"),
	}
	got := UserEvents(NewRun(evs))
	if got.LateJoiners != 2 || got.Unexpected != 1 || got.Missing != 0 || got.ExpectedDeliveries != 2 {
		t.Errorf("got %+v, want 2 late joiners (raced, restarted), 1 unexpected (replayed), 2 owed and none missing", got)
	}
}

func TestPercentiles(t *testing.T) {
	if NewPercentiles(nil) != nil {
		t.Error("no samples must give nil")
	}
	var xs []float64
	for i := 100; i >= 1; i-- {
		xs = append(xs, float64(i))
	}
	if p := NewPercentiles(xs); *p != (Percentiles{P50: 50, P99: 99, Max: 100}) {
		t.Errorf("got %+v", p)
	}
}

func TestQueries(t *testing.T) {
	evs := []event.Event{
		{Type: event.Query, Node: "a"}, {Type: event.Query, Node: "a", Reason: "too big"},
		{Type: event.QueryDelivered, Node: "b"}, {Type: event.QueryDelivered, Node: "c"},
		{Type: event.QueryAck, Node: "a", Member: "b"}, {Type: event.QueryResponse, Node: "a", Member: "b"},
	}
	if got := Queries(NewRun(evs)); got != (QueryStats{Fired: 1, Rejected: 1, Delivered: 2, Acks: 1, Responses: 1}) {
		t.Errorf("got %+v", got)
	}
}
