package node

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// A client agent forwards every KV request to a server it learned from gossip, and serves
// the agent and event endpoints from its own gossip layer.
func TestClientAgentAPI(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newClusterWith(t, 11, 3, 1, withAPI(t))
		for _, who := range []string{"server-2", "server-3", "client-1"} {
			c.join(who, "server-1")
		}
		waitForStableLeader(c, 10*time.Second)
		c.waitForAllAlive(65 * time.Second)
		api := newAPIClient(t, c)
		cl := c.get("client-1")

		if r := api.do(cl, http.MethodPut, "/v1/kv/app/config", "blue"); r.code != 200 || r.body != "true" {
			t.Fatalf("PUT via client agent: %d %s", r.code, r.body)
		}
		for _, mode := range []string{"", "?consistent", "?stale"} {
			r := api.do(cl, http.MethodGet, "/v1/kv/app/config"+mode, "")
			if mode == "?stale" && r.code == 404 {
				continue // a follower that has not applied it yet may answer a stale 404
			}
			if r.code != 200 || value(t, r) != "blue" {
				t.Errorf("GET%s via client agent: %d %s", mode, r.code, r.body)
			}
		}
		if r := api.do(cl, http.MethodGet, "/v1/status/leader", ""); !strings.HasPrefix(r.body, `"127.0.1.`) {
			t.Errorf("status/leader via client: %s", r.body)
		}

		var members []agentMember
		r := api.do(cl, http.MethodGet, "/v1/agent/members", "")
		if err := json.Unmarshal([]byte(r.body), &members); err != nil || len(members) != 4 {
			t.Fatalf("agent/members: %v %s", err, r.body)
		}
		for _, m := range members {
			if m.Status != 1 || m.Tags[TagRole] == "" {
				t.Errorf("member %+v: want alive with a role tag", m)
			}
		}
		var self agentSelf
		if err := json.Unmarshal([]byte(api.do(cl, http.MethodGet, "/v1/agent/self", "").body), &self); err != nil ||
			self.Config.NodeName != "client-1" || self.Config.Server {
			t.Errorf("agent/self: %v %+v", err, self.Config)
		}

		if r := api.do(cl, http.MethodPut, "/v1/event/fire/deploy", "v2"); r.code != 200 || !strings.Contains(r.body, `"Name":"deploy"`) {
			t.Fatalf("event/fire: %d %s", r.code, r.body)
		}
		time.Sleep(5 * time.Second)
		for _, s := range c.servers() {
			var evs []userEventJSON
			r := api.do(s, http.MethodGet, "/v1/event/list?name=deploy", "")
			if err := json.Unmarshal([]byte(r.body), &evs); err != nil || len(evs) != 1 || string(evs[0].Payload) != "v2" {
				t.Errorf("event/list on %s: %v %s", s.name, err, r.body)
			}
		}
		if r := api.do(cl, http.MethodPut, "/v1/agent/join/127.0.9.9:8301", ""); r.code != 500 {
			t.Errorf("join to an address nobody answers: %d %s", r.code, r.body)
		}
	})
}
