package checker

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/sim/event"
)

func TestVisualizeAnnotatesTheTimeline(t *testing.T) {
	ms := func(n int) event.Time { return event.Time(time.Duration(n) * time.Millisecond) }
	events := []event.Event{
		{T: 0, Type: event.RunStart},
		{T: ms(5), Type: event.RaftState, Node: "server-2", State: "leader", Term: 2},
		{T: ms(10), Type: event.OpCall, Client: "c1", OpID: "c1-1", Op: event.OpPut, Key: "k", Value: "c1-1", Via: "server-2"},
		{T: ms(12), Type: event.OpReturn, Client: "c1", OpID: "c1-1", Status: event.StatusOK},
		{T: ms(20), Type: event.OpCall, Client: "c2", OpID: "c2-1", Op: event.OpGet, Key: "k", Mode: "stale", Via: "server-1"},
		{T: ms(22), Type: event.OpReturn, Client: "c2", OpID: "c2-1", Status: event.StatusOK, Found: new(bool)},
		{T: ms(25), Type: event.FaultStart, Name: "cut", FaultFields: event.FaultFields{Kind: "isolate", Targets: []string{"server-1"}, Spec: "{name: cut, at: 25ms, isolate: server-1}"}},
		{T: ms(30), Type: event.NodeDown, Node: "server-1", Reason: "crash"},
		{T: ms(40), Type: event.RunEnd},
	}
	var b bytes.Buffer
	if err := Visualize(events, "stale", time.Second, &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{"<html", "server-2 leads term 2", "server-1 down (crash)", "cut: {name: cut, at: 25ms, isolate: server-1}"} {
		if !strings.Contains(html, want) {
			t.Errorf("visualization lacks %q", want)
		}
	}
}

// A fault window runs from its fault_start to its fault_end, or to the end of the stream.
func TestAnnotationsSpanFaultWindows(t *testing.T) {
	ms := func(n int) event.Time { return event.Time(time.Duration(n) * time.Millisecond) }
	evs := []event.Event{
		{T: ms(10), Type: event.FaultStart, Name: "a", FaultFields: event.FaultFields{Kind: "pause"}},
		{T: ms(20), Type: event.FaultStart, Name: "b", FaultFields: event.FaultFields{Kind: "crash"}},
		{T: ms(30), Type: event.FaultEnd, Name: "a"},
		{T: ms(50), Type: event.RunEnd},
	}
	got := map[string][2]int64{}
	for _, a := range annotations(evs) {
		got[a.Description] = [2]int64{a.Start, a.End}
	}
	if w := got["a: "]; w != [2]int64{int64(ms(10)), int64(ms(30))} {
		t.Errorf("a spans %v", w)
	}
	if w := got["b: "]; w != [2]int64{int64(ms(20)), int64(ms(50))} {
		t.Errorf("b spans %v (still in progress at the end)", w)
	}
}
