package serf

import (
	"testing"
	"testing/synctest"
)

// The planted bug UnsafeDeliverDuplicateEvents: every copy of an event that gossip or a
// push-pull brings after the first is delivered again, to the observer and to the
// handlers. (TestUserEventsExactlyOnceInLamportOrder is the same cluster without it.)
func TestUnsafeDeliverDuplicateEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 10, 7, 0, func(_ string, cfg *Config) { cfg.UnsafeDeliverDuplicateEvents = true })
		c.joinAll()
		if _, err := c.get("node-2").s.UserEvent("deploy", nil, EventOptions{}); err != nil {
			t.Fatal(err)
		}
		c.waitFor(pushPullBound, "every node delivers the event", func() bool {
			for _, n := range nodeNames(c) {
				if len(c.rec.delivered(n)) == 0 {
					return false
				}
			}
			return true
		})
		c.waitFor(pushPullBound, "some node's handler gets it again", func() bool {
			for _, n := range nodeNames(c) {
				if len(userEvents(c.rec.handled(n))) > 1 {
					return true
				}
			}
			return false
		})
		for _, n := range nodeNames(c) {
			for _, e := range c.rec.delivered(n) {
				if e.Origin != "node-2" || e.Name != "deploy" {
					t.Errorf("%s delivered %+v, an event nobody fired", n, e)
				}
			}
		}
		c.shutdown()
	})
}

// userEvents keeps the user events of es.
func userEvents(es []Event) []UserEvent {
	var out []UserEvent
	for _, e := range es {
		if ue, ok := e.(UserEvent); ok {
			out = append(out, ue)
		}
	}
	return out
}
