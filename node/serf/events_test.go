package serf

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consim/consim/node/serf/filter"
)

type eventKey struct {
	origin, name string
	ltime        LamportTime
}

// checkExactlyOnceInOrder fails unless every node in receivers delivered exactly the
// events in want, once each, and those of one origin in increasing Lamport time.
func checkExactlyOnceInOrder(t *testing.T, c *cluster, receivers []string, want map[eventKey]bool, strictOrder bool) {
	t.Helper()
	for _, name := range receivers {
		got := map[eventKey]int{}
		last := map[string]LamportTime{}
		for _, s := range c.rec.find(func(r Record) bool { return r.Kind == RecordEventDelivered && r.Self == name }) {
			e := s.Event
			k := eventKey{e.Origin, e.Name, e.LTime}
			got[k]++
			if got[k] > 1 {
				t.Errorf("%s delivered %v twice", name, k)
			}
			if e.LTime <= last[e.Origin] && (strictOrder || !s.Late) {
				t.Errorf("%s delivered %s's event at %d after one at %d (late %v)", name, e.Origin, e.LTime, last[e.Origin], s.Late)
			}
			if s.Late && e.LTime > last[e.Origin] {
				t.Errorf("%s flagged %v late, in order", name, k)
			}
			last[e.Origin] = max(last[e.Origin], e.LTime)
			if !want[k] {
				t.Errorf("%s delivered unexpected %v", name, k)
			}
		}
		for k := range want {
			if got[k] == 0 {
				t.Errorf("%s never delivered %v", name, k)
			}
		}
	}
}

func nodeNames(c *cluster) []string {
	var out []string
	for _, nd := range c.live() {
		out = append(out, nd.name)
	}
	return out
}

// Two origins fire bursts of events at the same instant (gossip then carries several per
// packet, newest first, and reorders them): every node delivers every event exactly once,
// each origin's in Lamport order.
func TestUserEventsExactlyOnceInLamportOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 10, 7, 0)
		c.joinAll()
		want := map[eventKey]bool{}
		for i := range 6 {
			for _, origin := range []string{"node-2", "node-6"} {
				name := fmt.Sprintf("deploy-%d", i)
				lt, err := c.get(origin).s.UserEvent(name, []byte(origin), EventOptions{})
				if err != nil {
					t.Fatal(err)
				}
				want[eventKey{origin, name, lt}] = true
			}
		}
		all := nodeNames(c)
		c.waitFor(pushPullBound, "every node delivers all 12 events", func() bool {
			for _, n := range all {
				if len(c.rec.delivered(n)) < len(want) {
					return false
				}
			}
			return true
		})
		time.Sleep(5 * time.Second) // and nothing more arrives
		checkExactlyOnceInOrder(t, c, all, want, true)
		// The handlers saw them too, in the same order.
		for _, n := range all {
			var handled []string
			for _, e := range c.rec.handled(n) {
				if ue, ok := e.(UserEvent); ok {
					handled = append(handled, fmt.Sprint(ue.Origin, ue.LTime))
				}
			}
			var delivered []string
			for _, e := range c.rec.delivered(n) {
				delivered = append(delivered, fmt.Sprint(e.Origin, e.LTime))
			}
			if !slices.Equal(handled, delivered) {
				t.Errorf("%s: handler saw %v, delivered %v", n, handled, delivered)
			}
		}
		c.shutdown()
	})
}

// On a lossy network (20% of packets dropped) events still reach every node exactly
// once: gossip retransmits and push-pull repairs. Order may break only in the documented
// way: an event that waited OrderTimeout goes out after a gap, and the missing one, if it
// comes later, is delivered late and flagged so.
func TestUserEventsSurviveLoss(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 11, 6, 0.2)
		c.joinAll()
		want := map[eventKey]bool{}
		for i := range 5 {
			name := fmt.Sprintf("e%d", i)
			lt, err := c.get("node-3").s.UserEvent(name, nil, EventOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want[eventKey{"node-3", name, lt}] = true
			time.Sleep(100 * time.Millisecond)
		}
		all := nodeNames(c)
		c.waitFor(2*pushPullBound, "every node delivers all 5 events", func() bool {
			for _, n := range all {
				if len(c.rec.delivered(n)) < len(want) {
					return false
				}
			}
			return true
		})
		checkExactlyOnceInOrder(t, c, all, want, false)
		c.shutdown()
	})
}

// Name plus payload over the limit is refused with a clear error, nothing is delivered,
// and the cluster keeps working.
func TestUserEventSizeLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 12, 3, 0)
		c.joinAll()
		s := c.get("node-1").s
		_, err := s.UserEvent("big", make([]byte, DefaultEventSizeLimit-2), EventOptions{})
		if err == nil || !strings.Contains(err.Error(), "name + payload are 513 bytes, over the limit of 512") {
			t.Fatalf("oversized event: %v", err)
		}
		for _, name := range []string{"", "a,b", "a b"} {
			if _, err := s.UserEvent(name, nil, EventOptions{}); err == nil {
				t.Errorf("event name %q accepted", name)
			}
		}
		if _, err := s.UserEvent("x", nil, EventOptions{Filter: filter.Filter{Tags: map[string]string{"role": "("}}}); err == nil {
			t.Error("a bad tag pattern was accepted")
		}
		fired := c.rec.find(func(r Record) bool { return r.Kind == RecordEventFired })
		if len(fired) != 5 || fired[0].Err == nil || fired[0].Size != 513 {
			t.Errorf("refused events were not all recorded with their error: %+v", fired)
		}
		lt, err := s.UserEvent("ok", make([]byte, DefaultEventSizeLimit-2), EventOptions{})
		if err != nil {
			t.Fatal(err)
		}
		all := nodeNames(c)
		c.waitFor(pushPullBound, "the good event arrives everywhere", func() bool {
			for _, n := range all {
				if len(c.rec.delivered(n)) != 1 {
					return false
				}
			}
			return true
		})
		checkExactlyOnceInOrder(t, c, all, map[eventKey]bool{{"node-1", "ok", lt}: true}, true)
		c.shutdown()

		// The limit can be raised up to the hard cap, not beyond.
		nd := c.get("node-1")
		nd.host.Restart()
		_, err = Create(Config{Name: "x", Memberlist: nd.s.cfg.Memberlist, Options: Options{EventSizeLimit: MaxEventSizeLimit + 1}})
		if err == nil || !strings.Contains(err.Error(), "EventSizeLimit 1025: want 1 to 1024") {
			t.Errorf("EventSizeLimit over the cap: %v", err)
		}
	})
}

// The largest event the hard cap allows still travels by gossip.
func TestLargestEventTravels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 13, 4, 0, func(_ string, cfg *Config) { cfg.Options.EventSizeLimit = MaxEventSizeLimit })
		c.joinAll()
		lt, err := c.get("node-2").s.UserEvent("big", make([]byte, MaxEventSizeLimit-3), EventOptions{})
		if err != nil {
			t.Fatal(err)
		}
		all := nodeNames(c)
		// Well within a push-pull interval: gossip carried it.
		c.waitFor(5*time.Second, "the 1024-byte event arrives everywhere", func() bool {
			for _, n := range all {
				if len(c.rec.delivered(n)) != 1 {
					return false
				}
			}
			return true
		})
		checkExactlyOnceInOrder(t, c, all, map[eventKey]bool{{"node-2", "big", lt}: true}, true)
		c.shutdown()
	})
}

// A tag-filtered event is delivered (and handled) only by the members it selects; the
// others pass it on without delivering it.
func TestUserEventTagFilter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		web := map[string]bool{"node-2": true, "node-4": true, "node-5": true}
		c := newCluster(t, 14, 6, 0, func(name string, cfg *Config) {
			if web[name] {
				cfg.Tags = map[string]string{"role": "web", "zone": "a"}
			}
		})
		c.joinAll()
		f := filter.Filter{Tags: map[string]string{"role": "web"}}
		lt, err := c.get("node-1").s.UserEvent("deploy", []byte("v2"), EventOptions{Filter: f})
		if err != nil {
			t.Fatal(err)
		}
		lt2, err := c.get("node-1").s.UserEvent("restart", nil, EventOptions{Filter: filter.Filter{Nodes: []string{"node-3"}}})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(pushPullBound)
		for _, nd := range c.nodes {
			var got []string
			for _, e := range c.rec.delivered(nd.name) {
				got = append(got, e.Name)
			}
			var want []string
			if web[nd.name] {
				want = append(want, "deploy")
			}
			if nd.name == "node-3" {
				want = append(want, "restart")
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s delivered %v, want %v", nd.name, got, want)
			}
			// Every node took the events in (it gossips them on), selected or not.
			if !nd.s.eventSeen("node-1", lt) || !nd.s.eventSeen("node-1", lt2) {
				t.Errorf("%s never saw the events", nd.name)
			}
		}
		c.shutdown()
	})
}

// eventSeen reports whether the event buffer holds origin's event at lt.
func (s *Serf) eventSeen(origin string, lt LamportTime) bool {
	s.eventMu.Lock()
	defer s.eventMu.Unlock()
	slot := s.eventBuf[lt%LamportTime(len(s.eventBuf))]
	return slot != nil && slot.ltime == lt && slices.ContainsFunc(slot.events, func(e *eventEntry) bool { return e.msg.Origin == origin })
}

// Replay rules: a node that joins without Replay delivers only events fired after it
// joined; with Replay it also gets those the cluster still remembers.
func TestLateJoinerReplay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 15, 3, 0)
		c.joinAll()
		old := map[eventKey]bool{}
		for i := range 3 {
			name := fmt.Sprintf("old-%d", i)
			lt, err := c.get("node-2").s.UserEvent(name, nil, EventOptions{})
			if err != nil {
				t.Fatal(err)
			}
			old[eventKey{"node-2", name, lt}] = true
		}
		time.Sleep(10 * time.Second)
		c.add("late")
		c.add("replayer", func(_ string, cfg *Config) { cfg.Options.Replay = true })
		c.join("late", "node-3")
		c.join("replayer", "node-3")
		c.waitAllAlive(pushPullBound)
		lt, err := c.get("node-1").s.UserEvent("new", nil, EventOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fresh := map[eventKey]bool{{"node-1", "new", lt}: true}
		time.Sleep(pushPullBound) // push-pulls run meanwhile: they must not replay either
		checkExactlyOnceInOrder(t, c, []string{"late"}, fresh, true)
		both := map[eventKey]bool{}
		for k := range old {
			both[k] = true
		}
		both[eventKey{"node-1", "new", lt}] = true
		checkExactlyOnceInOrder(t, c, []string{"replayer"}, both, true)
		// The old events' gossip ended long before: only a push-pull could hand them over,
		// and the record says so (the checker judges such a delivery as a replay).
		for _, r := range c.rec.find(func(r Record) bool { return r.Kind == RecordEventDelivered && r.Self == "replayer" }) {
			if old[eventKey{r.Event.Origin, r.Event.Name, r.Event.LTime}] && !r.PushPull {
				t.Errorf("replayer delivered %s without PushPull set", r.Event.Name)
			}
		}
		c.shutdown()
	})
}

// With UserCoalescePeriod, handlers see only the latest of a burst of coalescable events
// of one name; events without Coalesce and deliveries are not affected.
func TestUserEventCoalescing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 16, 3, 0, func(_ string, cfg *Config) {
			cfg.Options.UserCoalescePeriod = 2 * time.Second
			cfg.Options.UserQuiescentPeriod = time.Second
		})
		c.joinAll()
		s := c.get("node-1").s
		var last LamportTime
		for i := range 4 {
			lt, err := s.UserEvent("deploy", []byte{byte(i)}, EventOptions{Coalesce: true})
			if err != nil {
				t.Fatal(err)
			}
			last = lt
			if _, err := s.UserEvent("audit", []byte{byte(i)}, EventOptions{}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(10 * time.Second)
		for _, n := range nodeNames(c) {
			if d := len(c.rec.delivered(n)); d != 8 {
				t.Errorf("%s delivered %d events, want 8", n, d)
			}
			var deploys []LamportTime
			audits := 0
			for _, e := range c.rec.handled(n) {
				if ue, ok := e.(UserEvent); ok {
					switch ue.Name {
					case "deploy":
						deploys = append(deploys, ue.LTime)
					case "audit":
						audits++
					}
				}
			}
			if !slices.Equal(deploys, []LamportTime{last}) || audits != 4 {
				t.Errorf("%s handled deploys %v (want only %d) and %d audits", n, deploys, last, audits)
			}
		}
		c.shutdown()
	})
}

// With CoalescePeriod, a burst of joins reaches handlers as one member-join listing
// every member.
func TestMemberEventCoalescing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 17, 5, 0, func(name string, cfg *Config) {
			if name == "node-1" {
				cfg.Options.CoalescePeriod = 5 * time.Second
				cfg.Options.QuiescentPeriod = 2 * time.Second
			}
		})
		c.joinAll()
		time.Sleep(6 * time.Second)
		var joins [][]string
		for _, e := range c.rec.handled("node-1") {
			if me, ok := e.(MemberEvent); ok {
				joins = append(joins, names(me.Members))
				if me.Type != EventMemberJoin {
					t.Errorf("node-1 handled %v", me)
				}
			}
		}
		if len(joins) != 1 || len(joins[0]) != 5 {
			t.Errorf("node-1 handled member events %v, want one join of all 5", joins)
		}
		// A node without coalescing handles one join per member.
		n := 0
		for _, e := range c.rec.handled("node-2") {
			if _, ok := e.(MemberEvent); ok {
				n++
			}
		}
		if n != 5 {
			t.Errorf("node-2 handled %d member events, want 5", n)
		}
		c.shutdown()
	})
}
