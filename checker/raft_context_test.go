package checker

import (
	"testing"
	"time"

	"github.com/consim/consim/event"
)

func TestRaftContext(t *testing.T) {
	ms := func(n int) event.Time { return event.Time(time.Duration(n) * time.Millisecond) }
	rt := newRaftTimeline([]event.Event{
		{T: ms(0), Type: event.RaftState, Node: "server-1", State: "follower", Term: 1},
		{T: ms(0), Type: event.RaftState, Node: "server-2", State: "follower", Term: 1},
		{T: ms(1000), Type: event.RaftState, Node: "server-1", State: "leader", Term: 2},
		{T: ms(5000), Type: event.RaftState, Node: "server-2", State: "leader", Term: 3},
		{T: ms(9000), Type: event.NodeDown, Node: "server-2", Reason: "crash"},
	})
	for _, tc := range []struct {
		via  string
		at   int
		want string
	}{
		{"server-1", 2000, "server-1 led term 2"},
		{"server-1", 6000, "server-1 still believed it led term 2, but server-2 had won term 3 at 5.000 s"},
		{"server-2", 2000, "server-2 was a follower in term 1 and answered from its own state"},
		{"server-2", 9500, ""},
		{"client-1", 6000, ""},
	} {
		if got := rt.context(tc.via, ms(tc.at)); got != tc.want {
			t.Errorf("context(%s, %d ms) = %q, want %q", tc.via, tc.at, got, tc.want)
		}
	}
}
