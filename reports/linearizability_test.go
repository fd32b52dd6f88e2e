package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// kvEvents: c1 writes k1 twice; a consistent read sees the second write, a stale read
// after it still sees the first.
func kvEvents() []event.Event {
	yes := true
	call := func(ms int, id, op, mode, value string) event.Event {
		return event.Event{T: at(ms), Type: event.OpCall, Client: id[:2], OpID: id, Op: op, Key: "k1",
			Mode: mode, Value: value, Via: "server-2", ViaRole: event.ViaRoleFollower}
	}
	ret := func(ms int, id, op, read string) event.Event {
		r := event.Event{T: at(ms), Type: event.OpReturn, Client: id[:2], OpID: id, Op: op, Status: event.StatusOK, Code: 200}
		if op == event.OpGet {
			r.Found, r.Value = &yes, read
		}
		return r
	}
	return []event.Event{
		{Type: event.RunStart, Scenario: "hand-made", Seed: 1, Servers: 3},
		call(0, "c1-1", event.OpPut, "", "c1-1"), ret(10, "c1-1", event.OpPut, ""),
		call(20, "c1-2", event.OpPut, "", "c1-2"), ret(30, "c1-2", event.OpPut, ""),
		call(40, "c2-1", event.OpGet, "consistent", ""), ret(42, "c2-1", event.OpGet, "c1-2"),
		call(50, "c3-1", event.OpGet, "stale", ""), ret(52, "c3-1", event.OpGet, "c1-1"),
		{T: at(60), Type: event.RunEnd},
	}
}

func TestSummaryVerdicts(t *testing.T) {
	s := NewSummary(kvEvents(), nil, 0)
	if got := s.Verdicts; len(got) != 2 || got["consistent"] != "linearizable" || got["stale"] != "not-linearizable" {
		t.Errorf("verdicts %v", got)
	}
	var j struct {
		Anomalies map[string]struct {
			Count    int `json:"count"`
			Examples []struct {
				Key         string `json:"key"`
				Explanation string `json:"explanation"`
			} `json:"examples"`
		} `json:"anomalies"`
		Staleness struct {
			Reads  int `json:"reads"`
			Behind int `json:"behind"`
		} `json:"staleness"`
	}
	if err := json.Unmarshal(s.JSON(), &j); err != nil {
		t.Fatal(err)
	}
	if a := j.Anomalies["stale"]; a.Count != 1 || len(a.Examples) != 1 || a.Examples[0].Key != "k1" {
		t.Errorf("stale anomalies %+v", a)
	}
	if a := j.Anomalies["consistent"]; a.Count != 0 || a.Examples == nil {
		t.Errorf("consistent anomalies %+v", a)
	}
	if j.Staleness.Reads != 1 || j.Staleness.Behind != 1 {
		t.Errorf("staleness %+v", j.Staleness)
	}

	var b bytes.Buffer
	WriteText(&b, s)
	var got []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "verdict") || strings.HasPrefix(l, "           e.g.") || strings.Contains(l, "stale reads behind") {
			got = append(got, l)
		}
	}
	want := []string{
		"verdict    consistent: linearizable (1 read, 2 writes checked)",
		"verdict    stale:      not-linearizable (1 read, 2 writes checked; 1 anomaly)",
		"           e.g. c3 read k1 = c1-1 via server-2 (stale) at 0.050–0.052 s, but c1-2 was acknowledged at 0.030 s: only k1 = c1-2 was linearizable there",
		"           1 of 1 stale reads behind; versions behind p50/p99/max 1/1/1, ms behind 20/20/20",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("text:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Without a workload there is nothing to judge.
func TestSummaryNoWorkloadNoVerdicts(t *testing.T) {
	s := NewSummary(handMade(false), nil, 0)
	if s.Verdicts != nil || s.Anomalies != nil || s.Staleness != nil {
		t.Errorf("verdicts without a workload: %v %v %v", s.Verdicts, s.Anomalies, s.Staleness)
	}
	if b := s.JSON(); bytes.Contains(b, []byte("\n  \"verdicts\"")) {
		t.Error("summary.json has verdicts without a workload")
	}
}

// The scenario's expect.check_timeout is the checker time each key gets: with almost
// none, the verdicts are unknown, and the expectation on them is undecided, a checker
// limit that says so, not a failure.
func TestJudgeUsesTheScenarioCheckTimeout(t *testing.T) {
	sc := &scenarios.Scenario{Expect: &scenarios.Expect{Consistent: "linearizable"}}
	if s := Judge(sc, checker.NewRun(kvEvents()), nil, 0); s.Verdicts["consistent"] != "linearizable" {
		t.Fatalf("default timeout: consistent %q", s.Verdicts["consistent"])
	}
	sc.Expect.CheckTimeout = scenarios.Duration(time.Nanosecond)
	s := Judge(sc, checker.NewRun(kvEvents()), nil, 0)
	if s.Verdicts["consistent"] != "unknown" {
		t.Errorf("1ns timeout: consistent %q, want unknown", s.Verdicts["consistent"])
	}
	if len(Failed(s.Expectations)) != 0 {
		t.Errorf("an unknown verdict failed an expectation: %+v", s.Expectations)
	}
	u := Undecided(s.Expectations)
	if len(u) != 1 || u[0].OK || !strings.Contains(u[0].Detail, "checker limit: 1 key undecided after 1ns each (k1), not an anomaly") {
		t.Errorf("undecided expectations %+v, want consistent's, naming the checker limit", u)
	}
	var text bytes.Buffer
	WriteText(&text, s)
	if !strings.Contains(text.String(), "expect     LIMIT consistent: linearizable (undecided: checker limit") {
		t.Errorf("the terminal summary does not say the checker reached its limit:\n%s", text.String())
	}
}
