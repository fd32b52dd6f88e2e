package node

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// cpuLog is a CPU that costs nothing and remembers who was charged for what.
type cpuLog struct {
	mu      sync.Mutex
	charges []string // "server-2 get"
}

type cpuOf struct {
	log  *cpuLog
	name string
}

func (c cpuOf) Hold(_ context.Context, op string) error {
	c.log.mu.Lock()
	defer c.log.mu.Unlock()
	c.log.charges = append(c.log.charges, c.name+" "+op)
	return nil
}

// take returns the charges since the last take, sorted.
func (l *cpuLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Sorted(slices.Values(l.charges))
	l.charges = nil
	return out
}

// Every KV request is charged to the CPU of each server that handles it, by kind: the one
// called, and the leader too when that one forwards. Client agents have no CPU.
func TestCPUChargesEveryServerThatHandles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log := &cpuLog{}
		api := withAPI(t)
		c := newClusterWith(t, 11, 3, 1, func(a *testAgent, cfg *Config) {
			api(a, cfg)
			cfg.CPU = cpuOf{log: log, name: a.name}
		})
		for _, who := range []string{"server-2", "server-3", "client-1"} {
			c.join(who, "server-1")
		}
		leader := waitForStableLeader(c, 10*time.Second)
		c.waitForAllAlive(65 * time.Second)
		var follower *testAgent
		for _, s := range c.servers() {
			if s != leader {
				follower = s
				break
			}
		}
		hc := newAPIClient(t, c)
		L, F := leader.name, follower.name
		for _, tc := range []struct {
			via          *testAgent
			method, path string
			want         []string
		}{
			{leader, http.MethodGet, "/v1/kv/k", []string{L + " get"}},
			{leader, http.MethodPut, "/v1/kv/k", []string{L + " put"}},
			{follower, http.MethodGet, "/v1/kv/k", []string{F + " get", L + " get"}},
			{follower, http.MethodGet, "/v1/kv/k?consistent", []string{F + " get", L + " get"}},
			{follower, http.MethodGet, "/v1/kv/k?stale", []string{F + " get"}},
			{follower, http.MethodPut, "/v1/kv/k", []string{F + " put", L + " put"}},
			{follower, http.MethodPut, "/v1/kv/k?cas=0", []string{F + " cas", L + " cas"}},
			{follower, http.MethodDelete, "/v1/kv/k", []string{F + " delete", L + " delete"}},
			{leader, http.MethodDelete, "/v1/kv/?recurse", []string{L + " delete"}},
			{leader, http.MethodGet, "/v1/kv/?keys", []string{L + " get"}},
		} {
			log.take()
			if r := hc.do(tc.via, tc.method, tc.path, "v"); r.code >= 500 {
				t.Fatalf("%s %s via %s: %d %s", tc.method, tc.path, tc.via.name, r.code, r.body)
			}
			want := slices.Sorted(slices.Values(tc.want))
			if got := log.take(); !slices.Equal(got, want) {
				t.Errorf("%s %s via %s charged %q; want %q", tc.method, tc.path, tc.via.name, got, want)
			}
		}
		// Through the client agent: the agent is not charged, the server it picks is (and
		// the leader, if it picked a follower and the request must go there).
		log.take()
		hc.do(c.get("client-1"), http.MethodGet, "/v1/kv/k?stale", "")
		got := log.take()
		if len(got) != 1 || got[0] == "client-1 get" {
			t.Errorf("a stale read through client-1 charged %q; want one server's get", got)
		}
		hc.do(c.get("client-1"), http.MethodPut, "/v1/kv/k", "v")
		got = log.take()
		if !slices.Contains(got, L+" put") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "client") }) {
			t.Errorf("a put through client-1 charged %q; want the leader's put and no client's", got)
		}
	})
}
