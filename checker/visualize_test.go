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
		{T: ms(30), Type: event.NodeDown, Node: "server-1", Reason: "crash"},
		{T: ms(40), Type: event.RunEnd},
	}
	var b bytes.Buffer
	if err := Visualize(events, "stale", time.Second, &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{"<html", "server-2 leads term 2", "server-1 down (crash)"} {
		if !strings.Contains(html, want) {
			t.Errorf("visualization lacks %q", want)
		}
	}
}
