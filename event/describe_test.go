package event

import (
	"testing"
	"time"
)

// Describe prints each kind of value as the doc says: the node and type first, then the
// fields in stream order, strings quoted only when needed, lists and objects inline.
func TestDescribe(t *testing.T) {
	alive := 3
	for _, tc := range []struct {
		ev   Event
		want string
	}{
		{Event{T: Time(12 * time.Second), Type: RaftState, Node: "server-1", State: "leader", Term: 2},
			"12.000000000 server-1 raft_state state=leader term=2"},
		{Event{T: Time(1500 * time.Millisecond), Type: Tick, Alive: &alive, Leaders: []string{"server-1", "server-2"}, Net: &Net{PacketsSent: 7}},
			"1.500000000 tick alive=3 leaders=[server-1 server-2] net={packets_sent=7}"},
		{Event{Type: FaultStart, Name: "cut", FaultFields: FaultFields{Kind: "isolate", Targets: []string{"server-1"}, Spec: "{name: cut, at: 0s, isolate: server-1}"}},
			`0.000000000 fault_start name=cut kind=isolate targets=[server-1] spec="{name: cut, at: 0s, isolate: server-1}"`},
		{Event{T: 1, Type: OpReturn, Client: "c1", OpID: "c1-1", Op: "get", Status: "unknown", Error: "node is not the leader"},
			`0.000000001 op_return status=unknown client=c1 op_id=c1-1 op=get error="node is not the leader"`},
		{Event{Type: Member, Node: "client-1", Member: "server-2", Status: "", Tags: map[string]string{"b": "2", "a": "x y"}},
			`0.000000000 client-1 member member=server-2 tags={a="x y" b=2}`},
	} {
		if got := tc.ev.Describe(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}
