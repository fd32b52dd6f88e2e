package sim_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

// faultBuiltins are the built-in scenarios that inject faults, with what each must show
// beyond "validates, runs, replays byte for byte, converges in the liveness phase, and
// meets its expectations".
var faultBuiltins = map[string]func(t *testing.T, evs []event.Event, s reports.Summary){
	"partition-majority": nil,
	"bridge":             nil,
	"pause":              checkPause,
	"slow-network":       nil,
	"random-nemesis":     checkNemesis,
	"leader-isolation":   checkIsolateLeader,
	"flapping-nic":       checkFlappingNIC,
	"udp-blocked":        checkUDPBlocked,
	"crash-restart":      checkCrashRestart,
	"lease-window":       checkLeaseWindow,
	"late-answers":       checkLateAnswers,
}

// Every built-in scenario with faults, run twice at once with its own seed: identical
// streams, the liveness phase converged, every expectation met, every firing on time, plus
// what the scenario is there to show.
func TestBuiltinFaultScenarios(t *testing.T) {
	names := make([]string, 0, len(faultBuiltins))
	for n := range faultBuiltins {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			sc := builtin(t, name)
			if len(sc.Faults) == 0 {
				t.Fatalf("%s has no faults", name)
			}
			res := runTwice(t, runspec.Spec{Scenario: sc, Seed: sc.Seed})
			s := reports.Judge(&sc, checker.NewRun(res.Events), res.Stream, 0)
			if s.Liveness == nil || !s.Liveness.Converged {
				t.Errorf("liveness phase did not converge: %+v", s.Liveness)
			}
			for _, x := range reports.Failed(s.Expectations) {
				t.Errorf("expectation %s failed: %s", x.Name, x.Detail)
			}
			for _, f := range s.Faults {
				if f.Spec == "" || f.EndSeconds == nil {
					t.Errorf("fault %s: spec %q, end %v", f.Name, f.Spec, f.EndSeconds)
				}
			}
			checkOnTime(t, res.Events)
			checkFiresSchedule(t, &sc, res.Events)
			if check := faultBuiltins[name]; check != nil {
				check(t, res.Events, s)
			}
		})
	}
}

// leaderAt returns the server that led in the newest term as of virtual time at (events
// strictly before it), or "".
func leaderAt(evs []event.Event, at float64) string {
	lead, term := "", uint64(0)
	for _, ev := range evs {
		if ev.T.Seconds() >= at {
			break
		}
		if ev.Type != event.RaftState {
			continue
		}
		switch {
		case ev.State == "leader" && ev.Term >= term:
			lead, term = ev.Node, ev.Term
		case ev.Node == lead && ev.State != "leader":
			lead = ""
		}
	}
	return lead
}

func faultStarts(evs []event.Event, prefix string) []event.Event {
	var out []event.Event
	for _, ev := range evs {
		if ev.Type == event.FaultStart && strings.HasPrefix(ev.Name, prefix) {
			out = append(out, ev)
		}
	}
	return out
}

// isolate: leader isolates whichever server led when the fault fired, each time, and the
// others elect a new leader meanwhile.
func checkIsolateLeader(t *testing.T, evs []event.Event, s reports.Summary) {
	starts := faultStarts(evs, "isolate-leader")
	if len(starts) != 2 {
		t.Fatalf("%d firings of isolate-leader, want 2", len(starts))
	}
	for _, st := range starts {
		want := leaderAt(evs, st.T.Seconds())
		if len(st.Targets) != 1 || st.Targets[0] != want || want == "" {
			t.Errorf("isolate-leader at %.3f s isolated %v; the leader then was %q", st.T.Seconds(), st.Targets, want)
		}
		if !strings.Contains(st.Spec, "isolate: "+want) {
			t.Errorf("spec %q does not name the resolved target %s", st.Spec, want)
		}
		if other := leaderAt(evs, st.T.Seconds()+5.5); other == "" || other == want {
			t.Errorf("5.5 s into isolating %s the leader is %q: no new leader was elected", want, other)
		}
	}
}

// memberChanges counts status changes of member in others' views within [from, to).
func memberChanges(evs []event.Event, member string, from, to float64) int {
	n := 0
	for _, ev := range evs {
		if ev.Type == event.Member && ev.Member == member && ev.Node != member && ev.T.Seconds() >= from && ev.T.Seconds() < to {
			n++
		}
	}
	return n
}

func faultWindow(t *testing.T, s reports.Summary, name string) (float64, float64) {
	t.Helper()
	for _, f := range s.Faults {
		if f.Name == name && f.EndSeconds != nil {
			return f.StartSeconds, *f.EndSeconds
		}
	}
	t.Fatalf("no ended fault %s", name)
	return 0, 0
}

func livenessStart(evs []event.Event) float64 {
	for _, ev := range evs {
		if ev.Type == event.LivenessStart {
			return ev.T.Seconds()
		}
	}
	return 0
}

// flapping-nic: client-1 churns while its NIC flaps (counted in the summary), and once the
// NIC is stable nobody suspects or fails it any more (after a settling time for suspicions
// already running); seeing it alive again is the recovery, not churn.
func checkFlappingNIC(t *testing.T, evs []event.Event, s reports.Summary) {
	from, to := faultWindow(t, s, "flap")
	if n := s.Membership.StatusChanges["client-1"]; n < 4 {
		t.Errorf("client-1 has %d status changes in the summary, want churn (>= 4)", n)
	}
	if n := memberChanges(evs, "client-1", from, to+6); n < 4 {
		t.Errorf("client-1 changed status %d times while its NIC flapped", n)
	}
	for _, ev := range evs {
		if ev.Member == "client-1" && ev.T.Seconds() > to+6 && ev.T.Seconds() < livenessStart(evs) &&
			(ev.Type == event.MemberSuspect || (ev.Type == event.Member && ev.Status == event.StatusFailed)) {
			t.Errorf("%s saw client-1 %s at %.3f s, after its NIC was stable at %.3f s", ev.Node, orSuspect(ev), ev.T.Seconds(), to)
		}
	}
}

func orSuspect(ev event.Event) string {
	if ev.Type == event.MemberSuspect {
		return "suspect"
	}
	return ev.Status
}

// udp-blocked: client-2 goes through the cycle suspect, failed, alive again, while raft
// (streams only) is untouched.
func checkUDPBlocked(t *testing.T, evs []event.Event, s reports.Summary) {
	from, _ := faultWindow(t, s, "udp-blocked")
	suspected, failed, back := 0, 0, 0
	seen := map[string]string{}
	for _, ev := range evs {
		if ev.Member != "client-2" || ev.Node == "client-2" || ev.T.Seconds() < from {
			continue
		}
		switch {
		case ev.Type == event.MemberSuspect:
			suspected++
		case ev.Type == event.Member && ev.Status == event.StatusFailed:
			failed++
			seen[ev.Node] = ev.Status
		case ev.Type == event.Member && ev.Status == event.StatusAlive && seen[ev.Node] == event.StatusFailed:
			back++
			seen[ev.Node] = ev.Status
		}
	}
	if suspected < 2 || failed < 2 || back < 2 {
		t.Errorf("client-2 suspected %d, failed %d, alive again %d times: want the suspect, failed, alive cycle in several views", suspected, failed, back)
	}
	if s.Membership.StatusChanges["client-2"] < 4 {
		t.Errorf("client-2 has %d status changes in the summary", s.Membership.StatusChanges["client-2"])
	}
	if s.LeaderElections != 1 {
		t.Errorf("%d elections: blocking packets must not disturb raft", s.LeaderElections)
	}
}

// crash-restart: each crashed server comes back and catches up with the cluster.
func checkCrashRestart(t *testing.T, evs []event.Event, s reports.Summary) {
	for _, st := range faultStarts(evs, "crash-") {
		node := st.Targets[0]
		var back bool
		var applied, commit uint64
		for _, ev := range evs {
			if ev.T.Seconds() <= st.T.Seconds() {
				continue
			}
			switch {
			case ev.Type == event.NodeUp && ev.Node == node:
				back = true
			case ev.Type == event.RaftProgress && ev.Node == node && back:
				applied = ev.AppliedIndex
			case ev.Type == event.RaftProgress && ev.Node != node && ev.T.Seconds() < st.T.Seconds()+6:
				commit = max(commit, ev.CommitIndex)
			}
		}
		if !back || applied < commit {
			t.Errorf("%s crashed at %.3f s: back %v, applied %d, the cluster had committed %d while it was down", node, st.T.Seconds(), back, applied, commit)
		}
	}
}

// pause: the paused nodes' traffic was held, not dropped.
func checkPause(t *testing.T, _ []event.Event, s reports.Summary) {
	for _, f := range s.Faults {
		if f.Effect.PacketsHeld == 0 || f.Effect.PacketsDropped != 0 {
			t.Errorf("%s: %d packets held, %d dropped: a pause holds and drops nothing", f.Name, f.Effect.PacketsHeld, f.Effect.PacketsDropped)
		}
	}
}

// random-nemesis: several draws, each recorded with a spec that parses back as a fault.
func checkNemesis(t *testing.T, evs []event.Event, s reports.Summary) {
	kinds := map[string]bool{}
	for _, f := range s.Faults {
		kinds[f.Kind] = true
		doc := "name: x\nduration: 1h\ncluster: {servers: 3, clients: 2}\nfaults:\n  - " + f.Spec + "\n"
		if _, err := scenarios.Parse("spec.yaml", []byte(doc)); err != nil {
			t.Errorf("%s's spec %q does not parse back: %v", f.Name, f.Spec, err)
		}
	}
	if len(s.Faults) < 5 || len(kinds) < 3 {
		t.Errorf("%d nemesis firings of %d kinds: want a varied nemesis", len(s.Faults), len(kinds))
	}
}

// lease-window: default reads are caught stale with a named anomaly, consistent reads stay
// linearizable, and the stale reads' staleness is reported.
func checkLeaseWindow(t *testing.T, _ []event.Event, s reports.Summary) {
	if s.Verdicts["default"] != checker.NotLinearizable {
		t.Fatalf("default verdict %q", s.Verdicts["default"])
	}
	a := s.Anomalies["default"]
	if a == nil || len(a.Examples) == 0 || !strings.Contains(a.Examples[0].Explanation, "(default)") {
		t.Errorf("default anomalies not explained: %+v", a)
	}
	if s.Staleness == nil || s.Staleness.Reads == 0 {
		t.Errorf("no staleness reported for the stale reads: %+v", s.Staleness)
	}
}

// late-answers: a deposed leader serves consistent reads, confirmed by late answers to
// requests it sent before the reads began (hashicorp/raft v1.8.0's VerifyLeader). If this
// fails after a raft upgrade, raft may count only fresh answers now: the built-in, its docs
// and the README's account of the finding must change with it.
func checkLateAnswers(t *testing.T, _ []event.Event, s reports.Summary) {
	if s.Verdicts["consistent"] != checker.NotLinearizable {
		t.Fatalf("consistent verdict %q, want the stale consistent reads the scenario shows", s.Verdicts["consistent"])
	}
	a := s.Anomalies["consistent"]
	if a == nil || len(a.Examples) == 0 {
		t.Fatalf("consistent anomalies not explained: %+v", a)
	}
	if e := a.Examples[0].Explanation; !strings.Contains(e, "(consistent)") || !strings.Contains(e, "still believed it led") {
		t.Errorf("the first anomaly is not a consistent read on a deposed leader: %s", e)
	}
	if lw := s.LostWrites; lw == nil || lw.Count != 0 {
		t.Errorf("lost writes: %+v", lw)
	}
}

var _ = sim.Options{}

// Every fault kind the built-ins do not fire fires once in sim/testdata/every-fault.yaml:
// each has an effect, a restart ends the crash it undoes, heals end what they name, the
// run replays and the cluster comes back.
func TestEveryFaultKind(t *testing.T) {
	sc := builtin(t, "testdata/every-fault.yaml")
	res := runTwice(t, runspec.Spec{Scenario: sc, Seed: sc.Seed})
	s := reports.Judge(&sc, checker.NewRun(res.Events), res.Stream, 0)
	for _, x := range reports.Failed(s.Expectations) {
		t.Errorf("expectation %s failed: %s", x.Name, x.Detail)
	}
	checkOnTime(t, res.Events)
	checkFiresSchedule(t, &sc, res.Events)
	kinds := map[string]bool{}
	byName := map[string]reports.Fault{}
	for _, f := range s.Faults {
		kinds[f.Kind] = true
		byName[f.Name] = f
	}
	for _, k := range scenarios.FaultKinds {
		if k == scenarios.KindNemesis || k == scenarios.KindSequence || k == scenarios.KindNICFlap {
			continue // random-nemesis and flapping-nic fire these; a sequence fires its steps
		}
		if !kinds[k] {
			t.Errorf("no firing of kind %s", k)
		}
	}
	if f := byName["crash-client"]; f.EndSeconds == nil || *f.EndSeconds != byName["restart-client"].StartSeconds || f.Reason != "restarted by restart-client" {
		t.Errorf("crash-client ended at %v (%q); want when restart-client fired, at %.3f s", f.EndSeconds, f.Reason, byName["restart-client"].StartSeconds)
	}
	if f := byName["cut-server-2"]; f.Reason != "healed by heal-server-2" {
		t.Errorf("cut-server-2 ended with %q", f.Reason)
	}
	if f := byName["heal-everything"]; !slices.Equal(f.Targets, []string{"split"}) {
		t.Errorf("heal-everything healed %v, want [split]", f.Targets)
	}
	for _, n := range []string{"seq-1", "seq-2"} {
		if _, ok := byName[n]; !ok {
			t.Errorf("sequence step %s did not fire", n)
		}
	}
}
