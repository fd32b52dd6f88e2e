package serf

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// C joins through A while B also joined through A: B learns of C by gossip alone, and a
// fourth node joining through C (not A) is seen by everyone too.
func TestJoinThroughDifferentSeeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 1, 4, 0)
		c.join("node-2", "node-1")
		c.join("node-3", "node-1")
		c.waitFor(pushPullBound, "node-2 learns of node-3", func() bool { return c.status("node-2", "node-3") == StatusAlive })
		c.join("node-4", "node-3")
		c.waitAllAlive(pushPullBound)
		for _, nd := range c.nodes {
			ms := nd.s.Members()
			if got := names(ms); !slices.Equal(got, []string{"node-1", "node-2", "node-3", "node-4"}) {
				t.Fatalf("%s sees %v", nd.name, got)
			}
			for _, m := range ms {
				if m.Tags["role"] != "test" || m.Status != StatusAlive || m.Port != testPort {
					t.Errorf("%s sees %+v", nd.name, m)
				}
			}
		}
		// Every node reported every node (itself included) alive, and nothing else.
		for _, nd := range c.nodes {
			for _, m := range c.nodes {
				if st := c.rec.statuses(nd.name, m.name); !slices.Equal(st, []MemberStatus{StatusAlive}) {
					t.Errorf("%s reported %s as %v", nd.name, m.name, st)
				}
			}
		}
		c.shutdown()
	})
}

// A node that crashes is suspected by a prober (memberlist's suspicion, surfaced from its
// log line) and then failed on every other node; never left.
func TestCrashedMemberIsFailedEverywhere(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 2, 5, 0)
		c.joinAll()
		c.crash("node-3")
		crashed := time.Since(c.rec.start)
		c.everyoneSees(30*time.Second, "node-3", StatusFailed)
		suspects := c.rec.find(func(r Record) bool { return r.Kind == RecordSuspect && r.Member.Name == "node-3" })
		if len(suspects) == 0 {
			t.Fatal("nobody reported suspecting node-3: has memberlist's log line changed?")
		}
		firstFail := c.rec.find(func(r Record) bool {
			return r.Kind == RecordMember && r.Member.Name == "node-3" && r.Member.Status == StatusFailed
		})[0].at
		if suspects[0].at > firstFail || suspects[0].at < crashed {
			t.Errorf("suspicion at %v, crash at %v, first failure at %v", suspects[0].at, crashed, firstFail)
		}
		if suspects[0].Member.Addr != "127.0.0.3" {
			t.Errorf("suspect record lacks the member's address: %+v", suspects[0].Member)
		}
		for _, nd := range c.live() {
			if st := c.rec.statuses(nd.name, "node-3"); !slices.Equal(st, []MemberStatus{StatusAlive, StatusFailed}) {
				t.Errorf("%s reported node-3 as %v, want alive then failed", nd.name, st)
			}
		}
		handled := c.rec.handled("node-1")
		if !slices.ContainsFunc(handled, func(e Event) bool {
			me, ok := e.(MemberEvent)
			return ok && me.Type == EventMemberFailed && me.Members[0].Name == "node-3"
		}) {
			t.Errorf("node-1's handler never saw member-failed for node-3: %v", handled)
		}
		c.shutdown()
	})
}

// A node that leaves gracefully is leaving, then left, on every node, itself included,
// and never failed: the leave intent tells memberlist's leave apart from a failure.
func TestGracefulLeaveIsLeftEverywhere(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 3, 5, 0, func(_ string, cfg *Config) { cfg.Options.TombstoneTimeout = 30 * time.Second })
		c.joinAll()
		leaver := c.get("node-4")
		start := time.Now()
		if err := leaver.s.Leave(); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		if leaver.s.State() != StateLeft {
			t.Fatalf("state after Leave: %v", leaver.s.State())
		}
		if err := leaver.s.Leave(); err != nil {
			t.Fatalf("second Leave: %v", err)
		}
		if err := leaver.s.Shutdown(); err != nil {
			t.Fatal(err)
		}
		leaver.down = true
		t.Logf("Leave took %v of virtual time", took)
		c.everyoneSees(10*time.Second, "node-4", StatusLeft)
		for _, nd := range c.nodes {
			st := c.rec.statuses(nd.name, "node-4")
			if !slices.Equal(st, []MemberStatus{StatusAlive, StatusLeaving, StatusLeft}) {
				t.Errorf("%s reported node-4 as %v, want alive, leaving, left", nd.name, st)
			}
		}
		// Past the tombstone timeout (and a reap interval), the left member is forgotten.
		time.Sleep(30*time.Second + 16*time.Second)
		for _, nd := range c.live() {
			if _, ok := nd.s.Member("node-4"); ok {
				t.Errorf("%s still knows node-4 after the tombstone timeout", nd.name)
			}
			if reaps := c.rec.find(func(r Record) bool { return r.Kind == RecordReap && r.Self == nd.name }); len(reaps) != 1 || reaps[0].Member.Name != "node-4" {
				t.Errorf("%s reaped %v", nd.name, reaps)
			}
		}
		c.shutdown()
	})
}

// A failed member can be forced out: it becomes left everywhere (then reaped as a left
// member); an alive member cannot; prune forgets a member at once.
func TestForceLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 4, 5, 0, func(_ string, cfg *Config) { cfg.Options.TombstoneTimeout = 40 * time.Second })
		c.joinAll()
		n1 := c.get("node-1").s
		for _, tc := range []struct{ member, want string }{
			{"node-2", "member is alive; only a failed member can be forced out"},
			{"node-9", "no such member"},
		} {
			if err := n1.ForceLeave(tc.member, false); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ForceLeave(%s): %v, want %q", tc.member, err, tc.want)
			}
		}
		c.crash("node-5")
		c.everyoneSees(30*time.Second, "node-5", StatusFailed)
		if err := n1.ForceLeave("node-5", false); err != nil {
			t.Fatal(err)
		}
		// Gossip carries the intent to most members at once; one that every copy missed
		// gets it from the next push-pull (anti-entropy).
		c.everyoneSees(pushPullBound, "node-5", StatusLeft)
		for _, nd := range c.live() {
			if st := c.rec.statuses(nd.name, "node-5"); !slices.Equal(st, []MemberStatus{StatusAlive, StatusFailed, StatusLeft}) {
				t.Errorf("%s reported node-5 as %v", nd.name, st)
			}
		}
		if err := n1.ForceLeave("node-5", false); err == nil || !strings.Contains(err.Error(), "already left") {
			t.Errorf("ForceLeave of a left member: %v", err)
		}
		if err := n1.ForceLeave("node-5", true); err != nil {
			t.Fatal(err)
		}
		if _, ok := n1.Member("node-5"); ok {
			t.Fatal("node-1 pruned node-5 but still knows it")
		}
		// Pruning is gossip only (push-pull does not carry it): a member that missed
		// every copy forgets node-5 at its tombstone timeout instead.
		c.waitFor(pushPullBound, "every node forgets node-5", func() bool {
			for _, nd := range c.live() {
				if _, ok := nd.s.Member("node-5"); ok {
					return false
				}
			}
			return true
		})
		// Nobody else was touched.
		c.waitAllAlive(time.Second)
		c.shutdown()
	})
}

// A failed member is reaped after ReconnectTimeout.
func TestFailedMemberIsReaped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 5, 4, 0, func(_ string, cfg *Config) {
			cfg.Options.ReconnectTimeout = 20 * time.Second
			cfg.Options.ReapInterval = 5 * time.Second
		})
		c.joinAll()
		c.crash("node-2")
		c.everyoneSees(30*time.Second, "node-2", StatusFailed)
		c.everyoneSees(30*time.Second, "node-2", StatusNone)
		for _, nd := range c.live() {
			if !slices.ContainsFunc(c.rec.handled(nd.name), func(e Event) bool {
				me, ok := e.(MemberEvent)
				return ok && me.Type == EventMemberReap && me.Members[0].Name == "node-2"
			}) {
				t.Errorf("%s's handler saw no member-reap for node-2", nd.name)
			}
		}
		c.shutdown()
	})
}

// A leave intent about a live member (a force-leave sent anyway, or an old intent) is
// refuted: the member answers with a later join intent and everyone sees it alive again.
func TestFalseLeaveIntentIsRefuted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 6, 4, 0)
		c.joinAll()
		n1 := c.get("node-1").s
		msg := &leaveIntent{LTime: n1.clock.Increment(), Node: "node-3"}
		n1.handleLeaveIntent(msg)
		n1.queue(n1.intentQ, msg.encode(), nil)
		c.waitFor(5*time.Second, "the false leave reaches node-2", func() bool {
			return slices.Contains(c.rec.statuses("node-2", "node-3"), StatusLeaving)
		})
		c.everyoneSees(5*time.Second, "node-3", StatusAlive)
		time.Sleep(5 * time.Second)
		c.waitAllAlive(time.Second)
		for _, nd := range c.nodes {
			if got := c.rec.statuses(nd.name, "node-3"); got[len(got)-1] != StatusAlive {
				t.Errorf("%s ends with node-3 %v", nd.name, got)
			}
		}
		c.shutdown()
	})
}

// Tags are gossiped at start and on change (member-update everywhere); tags too big for
// memberlist's node meta are refused and change nothing.
func TestSetTags(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCluster(t, 7, 4, 0)
		c.joinAll()
		n2 := c.get("node-2").s
		if err := n2.SetTags(map[string]string{"role": "db", "dc": "east"}); err != nil {
			t.Fatal(err)
		}
		c.waitFor(5*time.Second, "every node sees node-2's new tags", func() bool {
			for _, nd := range c.nodes {
				m, _ := nd.s.Member("node-2")
				if m.Tags["role"] != "db" || m.Tags["dc"] != "east" || m.Status != StatusAlive {
					return false
				}
			}
			return true
		})
		for _, nd := range c.nodes {
			ups := c.rec.find(func(r Record) bool {
				return r.Kind == RecordMemberUpdate && r.Self == nd.name && r.Member.Name == "node-2"
			})
			if len(ups) != 1 {
				t.Errorf("%s recorded %d updates of node-2", nd.name, len(ups))
			}
		}
		big := map[string]string{"blob": strings.Repeat("x", 600)}
		if err := n2.SetTags(big); err == nil || !strings.Contains(err.Error(), "node meta limit") {
			t.Fatalf("oversized tags: %v", err)
		}
		if got := n2.Tags(); got["role"] != "db" || got["blob"] != "" {
			t.Errorf("a refused SetTags changed the tags: %v", got)
		}
		c.shutdown()
	})
}
