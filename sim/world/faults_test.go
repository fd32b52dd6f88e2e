package world

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim/runspec"
)

// These tests run the world natively, inside a synctest bubble (virtual time, as in the
// guest), with hosts but no agents: what they check is what the world does to the network
// when a fault fires and ends, observed by sending packets.

// testWorld builds a world for the scenario src (a YAML document) with its schedule on
// the agenda and no agent running. Its stream goes to the returned buffer.
func testWorld(t *testing.T, src string) (*World, *bytes.Buffer) {
	t.Helper()
	sc, err := scenarios.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := newWorld(runspec.Spec{Scenario: *sc, Seed: 7}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	w.scheduleFaults()
	return w, &buf
}

// probePort is a port no agent uses: the probes' own.
const probePort = 9999

// reach sends one packet between every ordered pair of hosts and returns which arrived,
// as "a>b" strings in a sorted list. It waits 200ms of virtual time for them.
func reach(t *testing.T, w *World) []string {
	t.Helper()
	hosts := w.net.Hosts()
	conns := make([]*netmodel.PacketConn, len(hosts))
	for i, h := range hosts {
		c, err := h.ListenPacket(h.Addrs()[0], probePort)
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	for i, h := range hosts {
		for j, to := range hosts {
			if i != j {
				conns[i].WriteTo([]byte(h.Name()), fmt.Sprintf("%s:%d", to.Addrs()[0], probePort))
			}
		}
	}
	time.Sleep(200 * time.Millisecond)
	var got []string
	for j, c := range conns {
		c.Close()
		for p := range c.Packets() {
			got = append(got, string(p.Buf)+">"+hosts[j].Name())
		}
	}
	slices.Sort(got)
	return got
}

// pairs returns every ordered pair a>b of distinct names for which ok(a, b), sorted.
func pairs(names []string, ok func(a, b string) bool) []string {
	var out []string
	for _, a := range names {
		for _, b := range names {
			if a != b && ok(a, b) {
				out = append(out, a+">"+b)
			}
		}
	}
	slices.Sort(out)
	return out
}

// events decodes a stream.
func events(t *testing.T, buf *bytes.Buffer) []event.Event {
	t.Helper()
	var out []event.Event
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var ev event.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%v in %q", err, line)
		}
		out = append(out, ev)
	}
	return out
}

// starts returns the fault_start events of a stream.
func starts(t *testing.T, buf *bytes.Buffer) []event.Event {
	t.Helper()
	var out []event.Event
	for _, ev := range events(t, buf) {
		if ev.Type == event.FaultStart {
			out = append(out, ev)
		}
	}
	return out
}

const cluster = "name: t\nduration: 20s\ncluster: {servers: 5, clients: 2}\n"

// Each partition shape blocks exactly the pairs its drawn groups say, both ways, while it
// is in progress, and nothing once it ends.
func TestPartitionsBlockWhatTheyDraw(t *testing.T) {
	for _, tc := range []struct {
		fault string
		// connected says whether a and b can talk, given the firing's targets.
		connected func(targets []string) func(a, b string) bool
	}{
		{"partition: {split: majority}", sameGroup},
		{"partition: {split: leader-minority}", sameGroup},
		{"partition: {groups: [[server-1, client-1], [server-2, server-3]]}", sameGroup},
		{"partition: {bridge: server-3}", func(targets []string) func(a, b string) bool {
			halves := sameGroup(targets[1:])
			return func(a, b string) bool { return a == targets[0] || b == targets[0] || halves(a, b) }
		}},
		{"partition: {ring: true}", func(order []string) func(a, b string) bool {
			return func(a, b string) bool {
				i, j := slices.Index(order, a), slices.Index(order, b)
				d := (j - i + len(order)) % len(order)
				return d == 1 || d == len(order)-1
			}
		}},
		{"isolate: server-2", func(targets []string) func(a, b string) bool {
			return func(a, b string) bool { return a != targets[0] && b != targets[0] }
		}},
		{"one_way: {from: [server-1], to: [clients]}", func([]string) func(a, b string) bool {
			return func(a, b string) bool { return a != "server-1" || !strings.HasPrefix(b, "client-") }
		}},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w, buf := testWorld(t, cluster+"faults:\n  - {name: f, at: 2s, for: 5s, "+tc.fault+"}\n")
				names := w.agentNames()
				all := pairs(names, func(a, b string) bool { return true })
				w.advance(time.Second)
				if got := reach(t, w); !slices.Equal(got, all) {
					t.Fatalf("before the fault, reached %v", got)
				}
				w.advance(3 * time.Second)
				st := starts(t, buf)
				if len(st) != 1 || st[0].Reason != "" {
					t.Fatalf("fault_start events: %+v", st)
				}
				want := pairs(names, tc.connected(st[0].Targets))
				if len(want) == len(all) {
					t.Fatalf("targets %v cut nothing", st[0].Targets)
				}
				if got := reach(t, w); !slices.Equal(got, want) {
					t.Errorf("during the fault (targets %v), reached\n%v\nwant\n%v", st[0].Targets, got, want)
				}
				w.advance(8 * time.Second)
				if got := reach(t, w); !slices.Equal(got, all) {
					t.Errorf("after the fault, reached %v", got)
				}
			})
		})
	}
}

// sameGroup reads targets as groups ("a+b+c") and says whether two nodes can talk: a
// partition cuts only between its groups; a node in none talks to everyone.
func sameGroup(targets []string) func(a, b string) bool {
	group := map[string]int{}
	for i, g := range targets {
		for _, n := range strings.Split(g, "+") {
			group[n] = i + 1
		}
	}
	return func(a, b string) bool { return group[a] == 0 || group[b] == 0 || group[a] == group[b] }
}

// A split draws a strict majority of the servers, and the clients join either side; with
// no leader, leader-minority is a plain split.
func TestSplitDrawsAMajority(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, _ := testWorld(t, cluster)
		for range 50 {
			groups := w.split(true)
			servers := func(g []string) int {
				n := 0
				for _, x := range g {
					if strings.HasPrefix(x, "server-") {
						n++
					}
				}
				return n
			}
			if servers(groups[0]) != 3 || servers(groups[1]) != 2 || len(groups[0])+len(groups[1]) != 7 {
				t.Fatalf("split %v: want 3 servers against 2, every node once", groups)
			}
		}
	})
}

// A heal ends what the schedule says, early, with its reason; the network is whole again
// at once; a heal of all ends every firing in progress, and the later repetition of a
// healed fault still fires.
func TestHealEndsFiringsAndLiftsThem(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, buf := testWorld(t, cluster+`faults:
  - {name: cut, at: 1s, for: 3s, every: 10s, isolate: server-1}
  - {name: lossy, at: 2s, link: {node: client-2, loss: 1}}
  - {name: heal-cut, at: 2500ms, heal: cut}
  - {name: heal-all, at: 3s, heal: all}
`)
		names := w.agentNames()
		all := pairs(names, func(a, b string) bool { return true })
		w.advance(2600 * time.Millisecond)
		noClient2 := pairs(names, func(a, b string) bool { return a != "client-2" && b != "client-2" })
		if got := reach(t, w); !slices.Equal(got, noClient2) {
			t.Errorf("after heal-cut, with lossy in progress, reached %v", got)
		}
		w.advance(3100 * time.Millisecond)
		if got := reach(t, w); !slices.Equal(got, all) {
			t.Errorf("after heal-all, reached %v", got)
		}
		w.advance(11500 * time.Millisecond)
		var heals [][]string
		var cuts int
		for _, ev := range starts(t, buf) {
			switch ev.Name {
			case "heal-cut", "heal-all":
				heals = append(heals, ev.Targets)
			case "cut":
				cuts++
			}
		}
		if !slices.EqualFunc(heals, [][]string{{"cut"}, {"lossy"}}, slices.Equal) {
			t.Errorf("heals ended %v, want [[cut] [lossy]]", heals)
		}
		if cuts != 2 {
			t.Errorf("cut fired %d times, want 2 (the heal does not stop its repetition at 11s)", cuts)
		}
		if len(w.faults.active) != 1 || w.faults.active[0].name != "cut" {
			t.Errorf("in progress at 11.5s: %v, want the second cut", w.faults.active)
		}
	})
}
