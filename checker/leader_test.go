package checker

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/consim/consim/event"
)

func raftState(ms int, node, state string, term uint64) event.Event {
	return event.Event{T: at(ms), Type: event.RaftState, Node: node, State: state, Term: term}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The bootstrap election is not leaderless time; a crashed leader and a step-down are,
// until the next server wins; the terms say who won which.
func TestLeaderGaps(t *testing.T) {
	r := Leader(NewRun(one(
		raftState(0, "server-1", "follower", 1),
		raftState(0, "server-2", "follower", 1),
		raftState(0, "server-3", "follower", 1),
		raftState(1000, "server-1", "candidate", 2),
		raftState(1200, "server-1", "leader", 2),
		nodeDown(5000, "server-1"),
		raftState(6000, "server-2", "candidate", 3),
		raftState(6500, "server-2", "leader", 3),
		raftState(8000, "server-2", "follower", 3),
		raftState(8200, "server-3", "leader", 4),
		tick(10000),
	)))
	if r.Elections != 3 || fsec(r.FirstLeaderAt) != 1.2 || !near(r.LeaderlessS, 1.7) || !near(r.LongestLeaderlessS, 1.5) ||
		fsec(r.LongestLeaderlessFrom) != 5 || r.MaxLeaders != 1 || len(r.SplitTerms) != 0 {
		t.Errorf("%+v", r)
	}
	want := []TermLeader{{2, "server-1", 1.2}, {3, "server-2", 6.5}, {4, "server-3", 8.2}}
	if !slices.Equal(r.Terms, want) {
		t.Errorf("terms %v, want %v", r.Terms, want)
	}
}

// A gap still open at the end counts to the end of the stream; a deposed leader that has
// not noticed yet makes two leaders at once; two winners of one term are a split.
func TestLeaderOverlapAndSplit(t *testing.T) {
	r := Leader(NewRun(one(
		raftState(1000, "server-1", "leader", 2),
		raftState(3000, "server-2", "leader", 3),
		raftState(3300, "server-1", "follower", 3),
		raftState(4000, "server-3", "leader", 3),
		nodeDown(5000, "server-2"),
		nodeDown(5000, "server-3"),
		tick(7000),
	)))
	if r.MaxLeaders != 2 || !slices.Equal(r.SplitTerms, []uint64{3}) || !near(r.LeaderlessS, 2) || fsec(r.LongestLeaderlessFrom) != 5 {
		t.Errorf("%+v", r)
	}
	b, err := json.Marshal(Leader(NewRun(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"elections":0,"first_leader_at":null,"leaderless_s":0,"longest_leaderless_s":0,"longest_leaderless_from":null,"terms":[],"split_terms":[],"max_leaders":0}`; string(b) != want {
		t.Errorf("JSON:\n%s\nwant\n%s", b, want)
	}
}
