package checker

import (
	"testing"
	"time"

	"github.com/consim/consim/event"
)

func at(ms int) event.Time { return event.Time(time.Duration(ms) * time.Millisecond) }

func header(servers, clients int) event.Event {
	return event.Event{Type: event.RunStart, Scenario: "hand-made", Seed: 1, Servers: servers, Clients: clients}
}

func member(ms int, observer, m, status string) event.Event {
	return event.Event{T: at(ms), Type: event.Member, Node: observer, Member: m, Status: status}
}

// allSee returns member events, starting at ms and one millisecond apart, in which every
// node sees every node alive, in a fixed order; skip leaves out one observer/member pair.
func allSee(ms int, nodes []string, skip [2]string) []event.Event {
	var out []event.Event
	for _, o := range nodes {
		for _, m := range nodes {
			if [2]string{o, m} == skip {
				continue
			}
			out = append(out, member(ms, o, m, event.StatusAlive))
			ms++
		}
	}
	return out
}

var three = []string{"server-1", "server-2", "client-1"}

func stream(parts ...[]event.Event) []event.Event {
	var out []event.Event
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func one(evs ...event.Event) []event.Event { return evs }

func TestConvergence(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events []event.Event
		want   event.Time // meaningful only when ok
		ok     bool
	}{
		{
			// 3 nodes, 9 pairs, the last written at 108 ms.
			name:   "every node sees every node alive",
			events: stream(one(header(2, 1)), allSee(100, three, [2]string{})),
			want:   at(108), ok: true,
		},
		{
			name:   "a single server sees itself",
			events: one(header(1, 0), member(0, "server-1", "server-1", event.StatusAlive)),
			want:   0, ok: true,
		},
		{
			name:   "one observer never sees one member",
			events: stream(one(header(2, 1)), allSee(100, three, [2]string{"client-1", "server-2"})),
		},
		{
			name:   "a node never reports itself",
			events: stream(one(header(2, 1)), allSee(100, three, [2]string{"server-2", "server-2"})),
		},
		{
			// The missing pair is filled by a later event; tick and raft events in between
			// change nothing.
			name: "the last pair arrives late",
			events: stream(one(header(2, 1)), allSee(100, three, [2]string{"client-1", "server-2"}),
				one(event.Event{T: at(1000), Type: event.Tick, Alive: new(int)},
					event.Event{T: at(1500), Type: event.RaftState, Node: "server-1", State: "leader", Term: 2},
					member(2500, "client-1", "server-2", event.StatusAlive))),
			want: at(2500), ok: true,
		},
		{
			// Seen alive, then failed before every pair was in, then alive again: the
			// cluster converges only when the failed pair comes back.
			name: "a member seen failed then alive again",
			events: stream(one(header(2, 1),
				member(50, "server-1", "client-1", event.StatusAlive),
				member(60, "server-1", "client-1", event.StatusFailed)),
				allSee(100, three, [2]string{"server-1", "client-1"}),
				one(member(3000, "server-1", "client-1", event.StatusAlive))),
			want: at(3000), ok: true,
		},
		{
			name: "a member that left does not count as alive",
			events: stream(one(header(2, 1),
				member(50, "server-1", "client-1", event.StatusAlive),
				member(60, "server-1", "client-1", event.StatusLeft)),
				allSee(100, three, [2]string{"server-1", "client-1"})),
		},
		{
			// Repeated alive reports for one pair count once: 9 reports of one pair are
			// not 9 pairs.
			name: "duplicate alive reports count once",
			events: one(header(2, 1),
				member(1, "server-1", "server-1", event.StatusAlive), member(2, "server-1", "server-1", event.StatusAlive),
				member(3, "server-1", "server-1", event.StatusAlive), member(4, "server-1", "server-1", event.StatusAlive),
				member(5, "server-1", "server-1", event.StatusAlive), member(6, "server-1", "server-1", event.StatusAlive),
				member(7, "server-1", "server-1", event.StatusAlive), member(8, "server-1", "server-1", event.StatusAlive),
				member(9, "server-1", "server-1", event.StatusAlive)),
		},
		{
			// A failure after convergence does not undo it: Convergence is the first time.
			name: "converged, then a failure",
			events: stream(one(header(2, 1)), allSee(100, three, [2]string{}),
				one(member(5000, "server-2", "client-1", event.StatusFailed))),
			want: at(108), ok: true,
		},
		{
			name:   "no header: the node count is unknown",
			events: allSee(100, three, [2]string{}),
		},
		{
			name:   "no events",
			events: nil,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Convergence(NewRun(tc.events))
			if ok != tc.ok || (ok && got != tc.want) {
				t.Errorf("Convergence = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLeaderElections(t *testing.T) {
	raft := func(ms int, node, state string, term uint64) event.Event {
		return event.Event{T: at(ms), Type: event.RaftState, Node: node, State: state, Term: term}
	}
	for _, tc := range []struct {
		name   string
		events []event.Event
		want   int
	}{
		{"no events", nil, 0},
		{"followers only", one(raft(0, "server-1", "follower", 1), raft(0, "server-2", "follower", 1)), 0},
		{
			"one election",
			one(header(3, 0), raft(0, "server-1", "follower", 1), raft(1085, "server-1", "candidate", 1), raft(1091, "server-1", "leader", 2)),
			1,
		},
		{
			"a lost campaign is not an election",
			one(raft(1000, "server-2", "candidate", 2), raft(1200, "server-2", "follower", 2)),
			0,
		},
		{
			"re-elections count each time, on any server",
			one(raft(1000, "server-1", "leader", 2), raft(5000, "server-1", "follower", 2),
				raft(6000, "server-3", "leader", 3), raft(9000, "server-1", "leader", 4), raft(9500, "server-1", "shutdown", 4)),
			3,
		},
		{
			// Ticks and run_end list the current leaders; they are not elections.
			"leaders in ticks do not count",
			one(event.Event{T: at(1000), Type: event.Tick, Leaders: []string{"server-1"}},
				event.Event{T: at(2000), Type: event.RunEnd, Leaders: []string{"server-1"}},
				event.Event{T: at(2000), Type: event.Log, Node: "server-1", State: "leader"}),
			0,
		},
	} {
		if got := LeaderElections(NewRun(tc.events)); got != tc.want {
			t.Errorf("%s: LeaderElections = %d, want %d", tc.name, got, tc.want)
		}
	}
}
