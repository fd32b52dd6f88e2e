package checker

import (
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

func call(ms int, id, op, key string) event.Event {
	client, _, _ := strings.Cut(id, "-")
	return event.Event{T: at(ms), Type: event.OpCall, Client: client, OpID: id, Op: op, Key: key, Via: "server-1", ViaRole: event.ViaRoleLeader}
}

func ret(ms int, id, status string) event.Event {
	client, _, _ := strings.Cut(id, "-")
	return event.Event{T: at(ms), Type: event.OpReturn, Client: client, OpID: id, Status: status, Code: 200}
}

func boolp(b bool) *bool { return &b }

// History pairs calls with returns by op id, keeps call order (not return order), copies
// every field, and leaves an operation without a return open.
func TestHistoryPairs(t *testing.T) {
	cas := uint64(7)
	contact := int64(12)
	get := call(10, "c1-1", event.OpGet, "k1")
	get.Mode = "stale"
	put := call(11, "c2-1", event.OpCAS, "k2")
	put.Value, put.CASIndex = "c2-1", &cas
	getRet := ret(25, "c1-1", event.StatusOK)
	getRet.Found, getRet.Value, getRet.ModifyIndex, getRet.Index = boolp(true), "c9-3", 5, 9
	getRet.KnownLeader, getRet.LastContactMS, getRet.Consistency = boolp(true), &contact, "stale"
	putRet := ret(20, "c2-1", event.StatusFail)
	putRet.Error = "cas index did not match"
	events := []event.Event{
		header(3, 0), get, put,
		{T: at(15), Type: event.Tick},
		putRet, getRet,
		call(30, "c1-2", event.OpDelete, "k3"),
	}
	ops, err := History(events)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 3 || ops[0].ID != "c1-1" || ops[1].ID != "c2-1" || ops[2].ID != "c1-2" {
		t.Fatalf("ops not in call order: %+v", ops)
	}
	g := ops[0]
	if !g.Returned || g.Status != event.StatusOK || g.Kind != event.OpGet || g.Mode != "stale" || g.Key != "k1" ||
		!g.Found || g.Read != "c9-3" || g.ModifyIndex != 5 || g.Index != 9 || g.Consistency != "stale" ||
		g.KnownLeader == nil || !*g.KnownLeader || g.LastContact == nil || *g.LastContact != 12*time.Millisecond ||
		g.Via != "server-1" || g.ViaRole != event.ViaRoleLeader || g.Client != "c1" {
		t.Errorf("get: %+v", g)
	}
	if g.Latency() != 15*time.Millisecond || !g.Answered() {
		t.Errorf("get latency %s, answered %v", g.Latency(), g.Answered())
	}
	p := ops[1]
	if p.Status != event.StatusFail || p.CASIndex != 7 || p.Value != "c2-1" || p.Error != "cas index did not match" ||
		p.Latency() != 9*time.Millisecond || !p.Answered() || p.Found {
		t.Errorf("cas: %+v", p)
	}
	d := ops[2]
	if d.Returned || d.Status != "" || d.Latency() != 0 || d.Answered() {
		t.Errorf("in-flight delete: %+v", d)
	}
	unknown := Op{Returned: true, Status: event.StatusUnknown}
	if unknown.Answered() {
		t.Error("an unknown outcome counts as answered")
	}
}

// A stream whose workload events do not pair up is a harness bug, and History says
// where, keeping what paired before.
func TestHistoryRejectsBrokenPairs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events []event.Event
		want   string
		kept   int
	}{
		{"return without call", one(ret(5, "c1-1", event.StatusOK)),
			`checker: op_return of "c1-1" at 0.005000000 s has no op_call before it`, 0},
		{"return before its call", one(ret(5, "c1-1", event.StatusOK), call(6, "c1-1", event.OpGet, "k0")),
			`checker: op_return of "c1-1" at 0.005000000 s has no op_call before it`, 0},
		{"called twice", one(call(1, "c1-1", event.OpGet, "k0"), call(2, "c1-1", event.OpGet, "k0")),
			`checker: op c1-1 called twice, at 0.001000000 s and 0.002000000 s`, 1},
		{"returned twice", one(call(1, "c1-1", event.OpGet, "k0"), ret(2, "c1-1", event.StatusOK), ret(3, "c1-1", event.StatusOK)),
			`checker: op c1-1 returned twice, at 0.002000000 s and 0.003000000 s`, 1},
		{"returned before called", one(call(5, "c1-1", event.OpGet, "k0"), ret(4, "c1-1", event.StatusOK)),
			`checker: op c1-1 returned at 0.004000000 s, before its call at 0.005000000 s`, 1},
		{"no op id", one(call(1, "", event.OpGet, "k0")),
			`checker: op_call at 0.001000000 s has no op_id`, 0},
	} {
		ops, err := History(tc.events)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.want)
		}
		if len(ops) != tc.kept {
			t.Errorf("%s: kept %d ops, want %d", tc.name, len(ops), tc.kept)
		}
	}
	if ops, err := History(one(header(1, 0))); err != nil || len(ops) != 0 {
		t.Errorf("a stream without workload: %v, %v", ops, err)
	}
}
