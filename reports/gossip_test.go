package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// gossipStream is a small run with one user event, one refused, and one query.
func gossipStream() []event.Event {
	ms := func(n int) event.Time { return event.Time(time.Duration(n) * time.Millisecond) }
	two := 2
	return []event.Event{
		{T: 0, Type: event.RunStart, Scenario: "g", Seed: 1, Servers: 1, Clients: 1},
		{T: 0, Type: event.NodeUp, Node: "server-1", Tags: map[string]string{"role": "server"}},
		{T: 0, Type: event.NodeUp, Node: "client-1", Tags: map[string]string{"role": "client"}},
		{T: ms(1000), Type: event.UserEventFired, Node: "server-1", Name: "deploy", LTime: 1, Size: 8},
		{T: ms(1000), Type: event.UserEvent, Node: "server-1", Origin: "server-1", Name: "deploy", LTime: 1},
		{T: ms(1250), Type: event.UserEvent, Node: "client-1", Origin: "server-1", Name: "deploy", LTime: 1},
		{T: ms(1500), Type: event.UserEventFired, Node: "client-1", Name: "big", Size: 600, Reason: "too big"},
		{T: ms(2000), Type: event.Query, Node: "client-1", Name: "ping", LTime: 1, QueryID: 7},
		{T: ms(2001), Type: event.QueryDelivered, Node: "server-1", Origin: "client-1", Name: "ping", LTime: 1, QueryID: 7},
		{T: ms(2002), Type: event.QueryAck, Node: "client-1", Member: "server-1", Name: "ping", LTime: 1, QueryID: 7},
		{T: ms(2003), Type: event.QueryResponse, Node: "client-1", Member: "server-1", Name: "ping", LTime: 1, QueryID: 7, Size: 4},
		{T: ms(5000), Type: event.QueryEnd, Node: "client-1", Name: "ping", LTime: 1, QueryID: 7, Acks: &two, Responses: &two},
		{T: ms(10000), Type: event.RunEnd},
	}
}

func TestGossipSummary(t *testing.T) {
	evs := gossipStream()
	s := NewSummary(evs, nil, 0)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(s.JSON(), &m); err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	json.Compact(&compact, m["user_events"])
	want := `{"fired":1,"rejected":1,"deliveries":2,"expected_deliveries":2,"missing":0,"unexpected":0,"delivered_left_later":0,"duplicates":0,"out_of_order":0,"lost_with_origin":0,"excused_joining":0,"delivered_late_joiners":0,"latency_ms":{"p50":0,"p99":250,"max":250}}`
	if compact.String() != want {
		t.Errorf("user_events = %s\nwant %s", compact.String(), want)
	}
	compact.Reset()
	json.Compact(&compact, m["queries"])
	if want := `{"fired":1,"rejected":0,"delivered":1,"acks":1,"responses":1}`; compact.String() != want {
		t.Errorf("queries = %s\nwant %s", compact.String(), want)
	}
	var out strings.Builder
	WriteText(&out, s)
	for _, line := range []string{
		"serf       1 user event fired (1 refused): 2 of 2 owed deliveries made, 0 missing, 0 duplicate(s), 0 out of order; latency p50 0 ms, p99 250 ms, max 250 ms\n",
		"queries    1 query: delivered to 1 selected member(s), 1 ack(s), 1 answer(s)\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("text summary lacks %q:\n%s", line, out.String())
		}
	}
	// A run without user events or queries has neither key.
	plain := NewSummary(evs[:3], nil, 0).JSON()
	if bytes.Contains(plain, []byte("user_events")) || bytes.Contains(plain, []byte("queries")) {
		t.Errorf("gossip keys in a summary without gossip events:\n%s", plain)
	}
}
