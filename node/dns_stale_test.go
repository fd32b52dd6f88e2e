package node

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/miekg/dns"

	"github.com/consim/consim/netmodel"
)

// DNS through a follower that has fallen behind: cut off from the leader (not from the
// other follower, nor from the resolver) while the other follower's web check goes
// critical (a server's own check: its write goes straight to the leader). What
// the follower answers for web.service.consul is the stale catalog, with allow_stale, as
// long as its last contact with the leader is within max_stale; beyond max_stale the
// lookup is re-run on the leader, which the follower cannot reach (SERVFAIL, never the
// stale answer); with allow_stale false every lookup goes to the leader from the start.
// Through the follower in contact the answer is fresh in every case, and once the cut
// heals the lagging follower catches up.
func TestDNSStaleThroughALaggingFollower(t *testing.T) {
	web := []ServiceDefinition{{Name: "web", Port: 8080, Checks: []CheckDefinition{{TTL: time.Hour, Status: "passing"}}}}
	svcs := map[string][]ServiceDefinition{"server-1": web, "server-2": web, "server-3": web}
	const stale, fresh, servfail = "stale", "fresh", "SERVFAIL"
	for _, tc := range []struct {
		name string
		cfg  DNSConfig
		// What the lagging follower answers just after the check went critical (its
		// last contact a fraction of a second old) and 6 s after the cut.
		early, late string
	}{
		{"allow_stale, no max_stale", DNSConfig{AllowStale: true, MaxStale: 87600 * time.Hour}, stale, stale},
		{"allow_stale, max_stale 3s", DNSConfig{AllowStale: true, MaxStale: 3 * time.Second}, stale, servfail},
		{"allow_stale false", DNSConfig{AllowStale: false}, servfail, servfail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := newClusterWith(t, 31, 3, 2, withDNS(t, &catalogLog{}, svcs, tc.cfg))
				joinMixed(c)
				leader := waitForStableLeader(c, 10*time.Second)
				api := newAPIClient(t, c)
				var behind, current *testAgent
				for _, s := range c.servers() {
					switch {
					case s == leader:
					case behind == nil:
						behind = s
					default:
						current = s
					}
				}
				h, err := c.net.AddHost("resolver", "127.0.3.2")
				if err != nil {
					t.Fatal(err)
				}
				d := &dnsClient{t: t, host: h}
				// An answer with every server is the stale one; without current's, fresh.
				answer := func(as ...*testAgent) string {
					var rrs []string
					for _, a := range as {
						rrs = append(rrs, "web.service.consul. 0 IN A "+a.addr)
					}
					slices.Sort(rrs)
					return "NOERROR an: " + strings.Join(rrs, " | ")
				}
				ask := func(a *testAgent) string {
					switch got := summary(d.ask(a, "web.service.consul", dns.TypeA)); got {
					case answer(leader, behind, current):
						return stale
					case answer(leader, behind):
						return fresh
					default:
						return got
					}
				}
				c.waitFor(30*time.Second, "web passing in every server's catalog", func() bool {
					for _, s := range c.servers() {
						if strings.Count(api.do(s, http.MethodGet, "/v1/health/checks/web?stale", "").body, `"Status":"passing"`) != 3 {
							return false
						}
					}
					return true
				})

				// Cut the follower off from the leader, then fail the check: the leader
				// and the other follower learn it, the cut-off one does not.
				cut := c.net.NewFault("cut " + behind.name)
				cut.Block(behind.name, leader.name, netmodel.AllTraffic)
				cut.Block(leader.name, behind.name, netmodel.AllTraffic)
				cutAt := time.Now()
				if r := api.do(current, http.MethodPut, "/v1/agent/check/fail/service:web", ""); r.code != 200 {
					t.Fatalf("fail the check: %d %s", r.code, r.body)
				}
				c.waitFor(5*time.Second, "web critical on the leader and the follower in contact", func() bool {
					for _, s := range []*testAgent{leader, current} {
						if !strings.Contains(api.do(s, http.MethodGet, "/v1/health/checks/web?stale", "").body, `"Status":"critical"`) {
							return false
						}
					}
					return true
				})
				if since := time.Since(cutAt); since > time.Second {
					t.Fatalf("the check took %s to reach the catalog; the early lookup would not be early", since)
				}
				if got := ask(behind); got != tc.early {
					t.Errorf("%s (behind, %s after the cut): %s, want %s", behind.name, time.Since(cutAt), got, tc.early)
				}
				if got := ask(current); got != fresh {
					t.Errorf("%s (in contact): %s, want %s", current.name, got, fresh)
				}
				time.Sleep(6*time.Second - time.Since(cutAt))
				if got := ask(behind); got != tc.late {
					t.Errorf("%s (behind, 6 s after the cut): %s, want %s", behind.name, got, tc.late)
				}
				if got := ask(current); got != fresh {
					t.Errorf("%s (in contact, 6 s after the cut): %s, want %s", current.name, got, fresh)
				}

				cut.Lift()
				c.waitFor(30*time.Second, behind.name+" answers what the leader knows once the cut heals", func() bool {
					return ask(behind) == fresh
				})
			})
		})
	}
}
