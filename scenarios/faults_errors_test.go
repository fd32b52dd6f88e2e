package scenarios

import (
	"errors"
	"reflect"
	"testing"
)

// TestFaultErrors pins, field by field, the errors for the four mistakes the issue names:
// an unknown fault kind, an unknown node, a negative duration and a time beyond the end
// of the run. Each file is whole, so the positions are the ones a person sees.
func TestFaultErrors(t *testing.T) {
	const head = "name: e\nduration: 30s\ncluster: {servers: 3, clients: 1}\nfaults:\n"
	tests := []struct {
		name, faults string
		want         []*FieldError
	}{
		{"unknown fault kind", "  - at: 5s\n    for: 2s\n    isolation: server-1\n", []*FieldError{{
			Line: 7, Col: 5, Field: "faults[0].isolation",
			Msg: `unknown field "isolation" (did you mean "isolate"?); allowed in faults[0]: name, at, for, every, until, proto, partition, isolate, one_way, heal, link, nic_down, nic_flap, crash, restart, leave, pause, disk, unsafe_fsync_lies, nemesis, sequence`,
		}}},
		{"no kind", "  - at: 5s\n    for: 2s\n", []*FieldError{{
			Line: 5, Col: 5, Field: "faults[0]",
			Msg: "a fault needs a kind: write one of partition, isolate, one_way, heal, link, nic_down, nic_flap, crash, restart, leave, pause, disk, unsafe_fsync_lies, nemesis, sequence",
		}}},
		{"two kinds", "  - at: 5s\n    crash: server-1\n    pause: server-2\n", []*FieldError{{
			Line: 5, Col: 5, Field: "faults[0]",
			Msg: "a fault has exactly one kind, found crash and pause: write one fault for each (kinds: partition, isolate, one_way, heal, link, nic_down, nic_flap, crash, restart, leave, pause, disk, unsafe_fsync_lies, nemesis, sequence)",
		}}},
		{"unknown node", "  - at: 5s\n    crash: server-4\n", []*FieldError{{
			Line: 6, Col: 12, Field: "faults[0].crash",
			Msg: `no node "server-4"; allowed: server-1 to server-3, client-1, leader, follower, random-server, random-client, random-node`,
		}}},
		{"unknown node in a list", "  - one_way: {from: [server-1], to: [server-2, cleint-1]}\n", []*FieldError{{
			Line: 5, Col: 48, Field: "faults[0].one_way.to[1]",
			Msg: `no node "cleint-1"; allowed: server-1 to server-3, client-1, leader, follower, random-server, random-client, random-node, servers, clients, followers, nodes`,
		}}},
		{"negative duration", "  - at: 5s\n    for: -2s\n    isolate: leader\n", []*FieldError{{
			Line: 6, Col: 10, Field: "faults[0].for",
			Msg: "must not be negative, got -2s (leave for out for a fault that lasts until it is healed or the run ends)",
		}}},
		{"negative at", "  - at: -5s\n    isolate: leader\n", []*FieldError{{
			Line: 5, Col: 9, Field: "faults[0].at",
			Msg: "must be at least 0s and before the end of the run (duration 30s), got -5s",
		}}},
		{"at beyond the end", "  - at: 31s\n    isolate: leader\n", []*FieldError{{
			Line: 5, Col: 9, Field: "faults[0].at",
			Msg: "must be at least 0s and before the end of the run (duration 30s), got 31s",
		}}},
		{"at + for beyond the end", "  - at: 20s\n    for: 15s\n    isolate: leader\n", []*FieldError{{
			Line: 6, Col: 10, Field: "faults[0].for",
			Msg: "at + for is 20s + 15s = 35s, past the end of the run (duration 30s); leave for out to last until the end",
		}}},
		{"until beyond the end", "  - at: 5s\n    for: 1s\n    every: 5s\n    until: 1m\n    isolate: leader\n", []*FieldError{{
			Line: 8, Col: 12, Field: "faults[0].until",
			Msg: "must be at most the end of the run (duration 30s), got 1m0s",
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("e.yaml", []byte(head+tt.faults))
			var list *ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("got %v, want errors", err)
			}
			for _, e := range tt.want {
				e.File = "e.yaml"
			}
			if !reflect.DeepEqual(list.Errs, tt.want) {
				t.Errorf("file:\n%s\ngot:\n%v\nwant:\n%v", head+tt.faults, list, &ErrorList{Errs: tt.want})
			}
		})
	}
}
