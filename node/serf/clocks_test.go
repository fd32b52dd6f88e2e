package serf

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// memClocks is a ClockStore that survives its node's restarts (the test keeps it), and
// counts the saves.
type memClocks struct {
	mu    sync.Mutex
	c     Clocks
	saves int
}

func (m *memClocks) LoadClocks() (Clocks, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c, nil
}

// saved returns the clocks last saved and how many saves there were.
func (m *memClocks) saved() (Clocks, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c, m.saves
}

func (m *memClocks) SaveClocks(c Clocks) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.c = c
	m.saves++
	return nil
}

// The finding serf-clock-after-power-cut, in miniature. node-2 fires an event (LTime 1)
// that everyone delivers; node-1 and node-3 crash and restart, and node-3 rejoins through
// node-1 before node-1 rejoins through node-2. node-1's rejoin hands it node-2's clock as
// its event minimum (2), while node-3, had it started its clocks afresh, would still be at
// 1 and fire its next event with LTime 1, which node-1 ignores as too old for ever. With
// the clocks kept, node-3 fires above every time it had seen, every node delivers its
// event, and the restarted nodes do not deliver node-2's old event a second time.
func TestRestartedNodeKeepsItsClocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stores := map[string]*memClocks{}
		keep := func(name string, cfg *Config) {
			if stores[name] == nil {
				stores[name] = &memClocks{}
			}
			cfg.Clocks = stores[name]
		}
		c := newCluster(t, 13, 3, 0, keep)
		c.joinAll()
		if _, err := c.get("node-2").s.UserEvent("ev", []byte("first"), EventOptions{}); err != nil {
			t.Fatal(err)
		}
		c.waitFor(pushPullBound, "every node delivers node-2's event", func() bool {
			for _, n := range nodeNames(c) {
				if len(c.rec.delivered(n)) != 1 {
					return false
				}
			}
			return true
		})
		c.waitFor(pushPullBound, "node-3 saves the event clock", func() bool {
			c, _ := stores["node-3"].saved()
			return c.Event >= 1
		})

		before := map[string]int{}
		for _, n := range []string{"node-1", "node-3"} {
			before[n] = len(c.rec.delivered(n))
			c.crash(n)
		}
		for _, n := range []string{"node-1", "node-3"} {
			nd := c.get(n)
			nd.host.Restart()
			c.start(nd, keep)
		}
		c.join("node-3", "node-1")
		c.join("node-1", "node-2")

		lt, err := c.get("node-3").s.UserEvent("ev", []byte("second"), EventOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if lt <= 1 {
			t.Errorf("restarted node-3 fired with LTime %d, a time it had seen before its crash", lt)
		}
		second := func(n string) int {
			k := 0
			for _, e := range c.rec.delivered(n) {
				if e.Origin == "node-3" && string(e.Payload) == "second" {
					k++
				}
			}
			return k
		}
		c.waitFor(pushPullBound, "every node delivers node-3's event", func() bool {
			for _, n := range nodeNames(c) {
				if second(n) == 0 {
					return false
				}
			}
			return true
		})
		// Two push-pull rounds more: anti-entropy would have brought node-2's first event
		// back to the restarted nodes by now, had they forgotten they had seen its time.
		time.Sleep(2 * pushPullBound)
		for _, n := range nodeNames(c) {
			if k := second(n); k != 1 {
				t.Errorf("%s delivered node-3's event %d times, want once", n, k)
			}
		}
		for _, n := range []string{"node-1", "node-3"} {
			for _, e := range c.rec.delivered(n)[before[n]:] {
				if e.Origin == "node-2" {
					t.Errorf("restarted %s delivered node-2's event (LTime %d) again", n, e.LTime)
				}
			}
		}
		if c, saves := stores["node-3"].saved(); saves == 0 || c.Event < lt {
			t.Errorf("node-3 saved its clocks %d times, last %v: want its event time %d saved", saves, c, lt)
		}
		c.shutdown()
	})
}
