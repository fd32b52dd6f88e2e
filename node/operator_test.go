package node

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// A failed server stays a voter until an operator removes it; removal through any agent
// reaches the leader, and the leader does not add it back while gossip sees it failed.
func TestOperatorRemovesFailedServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 21, 3, 1, withAPI(t))
		for _, who := range []string{"server-2", "server-3", "client-1"} {
			c.join(who, "server-1")
		}
		waitForStableLeader(c, 10*time.Second)
		api := newAPIClient(t, c)
		victim := c.get("server-3")
		if victim.agent.Raft().State().String() == "Leader" {
			victim = c.get("server-2")
		}
		c.crash(victim.name)
		time.Sleep(30 * time.Second) // gossip declares it failed; raft keeps it
		cl := c.get("client-1")
		if r := api.do(cl, http.MethodGet, "/v1/status/peers", ""); len(r.body) < 40 {
			t.Fatalf("peers before removal: %s", r.body)
		}
		for _, tc := range []struct {
			query string
			code  int
		}{
			{"", 400},
			{"?id=a&address=b", 400},
			{"?id=no-such-server", 500},
			{"?id=" + victim.name, 200},
		} {
			if r := api.do(cl, http.MethodDelete, "/v1/operator/raft/peer"+tc.query, ""); r.code != tc.code {
				t.Errorf("remove-peer%s: %d %s, want %d", tc.query, r.code, r.body, tc.code)
			}
		}
		time.Sleep(5 * time.Second) // a reconcile round must not add it back
		r := api.do(cl, http.MethodGet, "/v1/status/peers", "")
		if want := 2; r.code != 200 || countAddrs(r.body) != want {
			t.Errorf("peers after removing %s: %s", victim.name, r.body)
		}
	})
}

func countAddrs(jsonList string) int {
	n := 0
	for _, c := range jsonList {
		if c == ',' {
			n++
		}
	}
	if len(jsonList) > 2 {
		n++
	}
	return n
}
