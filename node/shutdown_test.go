package node

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
)

// Shutdown can be called again, as raft's and memberlist's own can: a harness that
// crashes a node and later tears the whole cluster down must not have to remember which
// agents it already stopped.
func TestShutdownIsIdempotent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 5, 3, 1)
		c.join("server-2", "server-1")
		c.join("server-3", "server-1")
		c.join("client-1", "server-3")
		waitForStableLeader(c, 10*time.Second)
		for _, a := range c.agents {
			for i := range 2 {
				if err := a.agent.Shutdown(); err != nil {
					t.Fatalf("%s: Shutdown #%d: %v", a.name, i+1, err)
				}
			}
			if a.server && a.agent.Raft().State() != raft.Shutdown {
				t.Fatalf("%s: raft state %v after Shutdown", a.name, a.agent.Raft().State())
			}
			a.down = true
		}
		if err := c.get("server-1").agent.Apply([]byte("x"), time.Second); err == nil {
			t.Fatal("Apply after Shutdown succeeded")
		}
		drainMemberlist()
	})
}
