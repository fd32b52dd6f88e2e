package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

func TestHTMLAnnotatesTheTimeline(t *testing.T) {
	ms := func(n int) event.Time { return event.Time(time.Duration(n) * time.Millisecond) }
	events := []event.Event{
		{T: 0, Type: event.RunStart, Scenario: "hand-made", Seed: 3, Bugs: []string{"stale-as-consistent"}},
		{T: ms(5), Type: event.RaftState, Node: "server-2", State: "leader", Term: 2},
		{T: ms(10), Type: event.OpCall, Client: "c1", OpID: "c1-1", Op: event.OpPut, Key: "k", Value: "c1-1", Via: "server-2"},
		{T: ms(12), Type: event.OpReturn, Client: "c1", OpID: "c1-1", Status: event.StatusOK},
		{T: ms(20), Type: event.OpCall, Client: "c2", OpID: "c2-1", Op: event.OpGet, Key: "k", Mode: "stale", Via: "server-1"},
		{T: ms(22), Type: event.OpReturn, Client: "c2", OpID: "c2-1", Status: event.StatusOK, Found: new(bool)},
		{T: ms(25), Type: event.FaultStart, Name: "cut", FaultFields: event.FaultFields{Kind: "isolate", Targets: []string{"server-1"}, Spec: "{name: cut, at: 25ms, isolate: server-1}"}},
		{T: ms(30), Type: event.NodeDown, Node: "server-1", Reason: "crash"},
		{T: ms(40), Type: event.RunEnd},
	}
	run := checker.NewRun(events)
	sc := &scenarios.Scenario{Expect: &scenarios.Expect{CheckTimeout: scenarios.Duration(7 * time.Second)}}
	var b bytes.Buffer
	if err := WriteHTML(&b, run, Judge(sc, run, nil, 0), "stale"); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{"<html", "server-2 leads term 2", "server-1 down (crash)", "cut: {name: cut, at: 25ms, isolate: server-1}",
		"hand-made, seed 3: stale reads are <b>not-linearizable</b>", "PLANTED BUGS: stale-as-consistent",
		"each key checked with up to 7s"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// The page searches with the check timeout the verdicts had, which comes from the scenario
// (expect.check_timeout) or the default: the two can never disagree again (the HTML once
// used the default while the verdicts honoured the scenario's).
func TestHTMLUsesTheVerdictsCheckTimeout(t *testing.T) {
	run := checker.NewRun(kvEvents())
	for _, tc := range []struct {
		sc   *scenarios.Scenario
		want string
	}{
		{&scenarios.Scenario{}, "up to 10s"},
		{&scenarios.Scenario{Expect: &scenarios.Expect{CheckTimeout: scenarios.Duration(time.Minute)}}, "up to 1m0s"},
	} {
		sum := Judge(tc.sc, run, nil, 0)
		var b bytes.Buffer
		if err := WriteHTML(&b, run, sum, "consistent"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.want) || sum.CheckTimeoutSeconds != CheckTimeoutOf(tc.sc).Seconds() {
			t.Errorf("verdicts checked with %g s a key; the page does not say %q", sum.CheckTimeoutSeconds, tc.want)
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
	for _, a := range annotations(checker.NewRun(evs)) {
		got[a.Description] = [2]int64{a.Start, a.End}
	}
	if w := got["a: "]; w != [2]int64{int64(ms(10)), int64(ms(30))} {
		t.Errorf("a spans %v", w)
	}
	if w := got["b: "]; w != [2]int64{int64(ms(20)), int64(ms(50))} {
		t.Errorf("b spans %v (still in progress at the end)", w)
	}
}
