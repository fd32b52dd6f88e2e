package serf

import (
	"testing"
	"testing/synctest"
	"time"
)

// A node shut down while it suspects a member reports nothing afterwards. memberlist
// keeps the suspicion timer of a shut-down node running and, when it fires, calls
// NotifyLeave (see eventDelegate): passed on, that was a "failed" record under the name
// of a node that was down, which the simulated world, after a rejoin, took for its next
// life's view (graceful-leave: client-3 "failed" a running member with no fault active).
func TestShutDownNodeReportsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 5, 3, 0)
		c.joinAll()
		c.crash("node-3")
		// Whoever probes node-3 first suspects it; shut that node down at once, its
		// suspicion timer still running (3 members: no confirmations awaited, 4 s).
		var suspecter string
		c.waitFor(30*time.Second, "a live node suspects node-3", func() bool {
			s := c.rec.find(func(r Record) bool { return r.Kind == RecordSuspect && r.Member.Name == "node-3" })
			if len(s) > 0 {
				suspecter = s[0].Self
			}
			return suspecter != ""
		})
		c.crash(suspecter)
		down := time.Since(c.rec.start)
		time.Sleep(30 * time.Second) // past the longest suspicion timeout (24 s on LAN)
		for _, r := range c.rec.find(func(r Record) bool { return r.Self == suspecter }) {
			if r.at > down {
				t.Errorf("%s, shut down at %v, reported at %v: %v %s %s", suspecter, down, r.at, r.Kind, r.Member.Name, r.Member.Status)
			}
		}
		if got := c.status(suspecter, "node-3"); got != StatusAlive {
			t.Errorf("%s's table changed after its shutdown: node-3 is %s, want alive (frozen as it went down)", suspecter, got)
		}
		c.shutdown()
	})
}
