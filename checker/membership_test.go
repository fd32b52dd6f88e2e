package checker

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/consim/consim/event"
)

func nodeUp(ms int, node string) event.Event {
	return event.Event{T: at(ms), Type: event.NodeUp, Node: node}
}

func nodeDown(ms int, node string) event.Event {
	return event.Event{T: at(ms), Type: event.NodeDown, Node: node, Reason: event.ReasonCrash}
}

func suspect(ms int, prober, m string) event.Event {
	return event.Event{T: at(ms), Type: event.MemberSuspect, Node: prober, Member: m}
}

func faultStart(ms int, name, kind string, targets ...string) event.Event {
	return event.Event{T: at(ms), Type: event.FaultStart, Name: name, FaultFields: event.FaultFields{Kind: kind, Targets: targets}}
}

func faultEnd(ms int, name, kind string) event.Event {
	return event.Event{T: at(ms), Type: event.FaultEnd, Name: name, FaultFields: event.FaultFields{Kind: kind}}
}

func tick(ms int) event.Event { return event.Event{T: at(ms), Type: event.Tick} }

// started is the opening of a 3-node run: every node up at 0, every node seeing every
// node alive from 100 ms.
func started() []event.Event {
	return stream(one(header(2, 1), nodeUp(0, "server-1"), nodeUp(0, "server-2"), nodeUp(0, "client-1")),
		allSee(100, three, [2]string{}))
}

func memberOf(r MembershipReport, name string) MemberReport {
	for _, m := range r.Members {
		if m.Name == name {
			return m
		}
	}
	return MemberReport{}
}

func fsec(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// A healthy run: joining is not a status change, nothing flaps, nothing fails, and the
// cluster is converged the moment the liveness phase starts.
func TestMembershipHealthy(t *testing.T) {
	r := Membership(NewRun(stream(started(), one(event.Event{T: at(5000), Type: event.LivenessStart}, tick(6000)))))
	if r.TotalStatusChanges != 0 || r.TotalFlaps != 0 || r.FalseFailures.Count != 0 || len(r.Members) != 3 {
		t.Errorf("%+v", r)
	}
	c := r.Convergence
	if c.LastFaultEnd != nil || c.AfterFaultsS != nil || fsec(c.LivenessStart) != 5 || fsec(c.AfterLivenessS) != 0 {
		t.Errorf("convergence %+v", c)
	}
}

// A failed verdict on a member that kept running, while a fault isolated it, then back
// alive: one false failure, explained and involving the member, one flap, two status
// changes; the cluster converges 100 ms after the fault ends.
func TestMembershipFalseFailureDuringFault(t *testing.T) {
	r := Membership(NewRun(stream(started(), one(
		faultStart(1000, "isolate-2", "isolate", "server-2"),
		suspect(1200, "server-1", "server-2"),
		member(1500, "server-1", "server-2", event.StatusFailed),
		faultEnd(2000, "isolate-2", "isolate"),
		member(2100, "server-1", "server-2", event.StatusAlive),
		tick(90000),
	))))
	ff := r.FalseFailures
	if ff.Count != 1 || ff.Unexplained != 0 || ff.Uninvolved != 0 || !ff.Verdicts[0].Involved || len(ff.Verdicts[0].Faults) != 1 {
		t.Fatalf("false failures %+v", ff)
	}
	want := "server-1 saw server-2 failed at 1.500 s, while server-2 was running (up since 0.000 s); faults acting on them: isolate-2 (isolate server-2, 1.000 s to 2.000 s, in progress)"
	if got := ff.Verdicts[0].Explanation; got != want {
		t.Errorf("explanation %q\nwant %q", got, want)
	}
	if m := memberOf(r, "server-2"); m.Flaps != 1 || m.StatusChanges != 2 || m.Suspicions != 1 || m.FalseFailures != 1 {
		t.Errorf("server-2: %+v (the suspicion that became the failure is one flap, not two)", m)
	}
	if c := r.Convergence; fsec(c.LastFaultEnd) != 2 || fsec(c.AfterFaultsS) < 0.0999 || fsec(c.AfterFaultsS) > 0.1001 || c.LivenessStart != nil {
		t.Errorf("convergence %+v", c)
	}
}

// Failed verdicts with no fault in progress are unexplained; with a fault elsewhere,
// uninvolved; a fault that ended within FalseFailureGrace still explains one.
func TestMembershipUnexplainedAndUninvolved(t *testing.T) {
	r := Membership(NewRun(stream(started(), one(
		member(1000, "client-1", "server-1", event.StatusFailed),
		member(1100, "client-1", "server-1", event.StatusAlive),
		faultStart(2000, "cut-client", "isolate", "client-1"),
		member(2500, "server-1", "server-2", event.StatusFailed),
		member(2600, "server-1", "server-2", event.StatusAlive),
		faultEnd(3000, "cut-client", "isolate"),
		member(3000+20000, "server-2", "client-1", event.StatusFailed), // 20 s after: still the fault's
		member(3000+20100, "server-2", "client-1", event.StatusAlive),
		member(3000+40000, "server-2", "client-1", event.StatusFailed), // 40 s after: unexplained
	))))
	ff := r.FalseFailures
	if ff.Count != 4 || ff.Unexplained != 2 || ff.Uninvolved != 1 {
		for _, v := range ff.Verdicts {
			t.Log(v.Explanation)
		}
		t.Errorf("count %d, unexplained %d, uninvolved %d; want 4, 2, 1", ff.Count, ff.Unexplained, ff.Uninvolved)
	}
	if got := ff.Verdicts[1].Explanation; !strings.HasSuffix(got, "faults then, acting on neither: cut-client (isolate client-1, 2.000 s to 3.000 s, in progress)") {
		t.Errorf("uninvolved: %q", got)
	}
	// 20 s after the fault ended: it is said to have ended, not to be in progress.
	if got := ff.Verdicts[2].Explanation; !strings.HasSuffix(got, "faults acting on them: cut-client (isolate client-1, 2.000 s to 3.000 s, ended 20.000 s before)") {
		t.Errorf("a fault that had ended: %q", got)
	}
	if got := ff.Verdicts[0].Explanation; !strings.HasSuffix(got, "no fault was in progress") {
		t.Errorf("unexplained: %q", got)
	}
	if r.TotalFlaps != 3 {
		t.Errorf("%d flaps, want 3 (the last failure never came back)", r.TotalFlaps)
	}
	if c := r.Convergence; fsec(c.LastFaultEnd) != 3 || fsec(c.AfterFaultsS) != 0 {
		t.Errorf("convergence %+v: converged when the fault ended", c)
	}
}

// A crash and restart is a real failure: status changes, no flap, no false failure. A
// suspicion that comes to nothing is a flap; one of a member that then crashed is not.
func TestMembershipCrashIsNotAFlap(t *testing.T) {
	r := Membership(NewRun(stream(started(), one(
		nodeDown(1000, "server-2"),
		suspect(1200, "server-1", "server-2"),
		member(1500, "server-1", "server-2", event.StatusFailed),
		member(1500, "client-1", "server-2", event.StatusFailed),
		nodeUp(3000, "server-2"),
		member(3000, "server-2", "server-2", event.StatusAlive),
		member(3100, "server-1", "server-2", event.StatusAlive),
		member(3100, "client-1", "server-2", event.StatusAlive),
		member(3200, "server-2", "server-1", event.StatusAlive),
		member(3200, "server-2", "client-1", event.StatusAlive),
		suspect(5000, "client-1", "server-1"), // refuted: nothing follows
		tick(60000),
	))))
	if m := memberOf(r, "server-2"); m.Flaps != 0 || m.FalseFailures != 0 || m.StatusChanges != 4 {
		t.Errorf("server-2: %+v; want 4 status changes, no flap", m)
	}
	if m := memberOf(r, "server-1"); m.Flaps != 1 || m.Suspicions != 1 {
		t.Errorf("server-1: %+v; want the refuted suspicion as a flap", m)
	}
	if r.FalseFailures.Count != 0 {
		t.Errorf("false failures %+v", r.FalseFailures)
	}
}

// Convergence counts only running nodes, takes the events of one moment together (the
// liveness phase restarts crashed nodes the moment it starts), and each observer's view
// starts afresh when it restarts; a cluster that never converges after liveness_start
// says null.
func TestMembershipConvergenceAfterLiveness(t *testing.T) {
	crashed := func() []event.Event {
		return stream(started(), one(
			nodeDown(1000, "client-1"),
			member(1500, "server-1", "client-1", event.StatusFailed),
			member(1500, "server-2", "client-1", event.StatusFailed),
		))
	}
	// Before liveness_start the two running servers see each other alive: converged.
	r := Membership(NewRun(stream(crashed(), one(tick(1900)))))
	if r.Convergence.LivenessStart != nil || r.Convergence.AfterLivenessS != nil {
		t.Errorf("no liveness phase: %+v", r.Convergence)
	}
	r = Membership(NewRun(stream(crashed(), one(
		event.Event{T: at(2000), Type: event.LivenessStart},
		member(2000, "client-1", "client-1", event.StatusAlive),
		nodeUp(2000, "client-1"),
	), allSee(2400, three, [2]string{"server-2", "client-1"}), one(tick(9000)))))
	if r.Convergence.AfterLivenessS != nil {
		t.Errorf("converged %v s after liveness_start, but server-2 never saw client-1 alive again", *r.Convergence.AfterLivenessS)
	}
	r = Membership(NewRun(stream(crashed(), one(
		event.Event{T: at(2000), Type: event.LivenessStart},
		member(2000, "client-1", "client-1", event.StatusAlive),
		nodeUp(2000, "client-1"),
	), allSee(2400, three, [2]string{}), one(tick(9000)))))
	// The last pair that was missing, client-1 seeing server-2 (allSee's 8th; client-1
	// saw itself since 2 s), lands at 2.407 s.
	if got := fsec(r.Convergence.AfterLivenessS); got < 0.4069 || got > 0.4071 {
		t.Errorf("converged %v s after liveness_start, want 0.407", got)
	}
	// client-1's own view starts afresh: its first statuses after the restart are not
	// changes. The two servers' views of it changed twice each.
	if m := memberOf(r, "client-1"); m.StatusChanges != 4 || m.Flaps != 0 {
		t.Errorf("client-1: %+v", m)
	}
	if m := memberOf(r, "server-1"); m.StatusChanges != 0 {
		t.Errorf("server-1: %+v", m)
	}
}

// The report marshals with its documented field names, lists empty as [].
func TestMembershipJSON(t *testing.T) {
	b, err := json.Marshal(Membership(NewRun(nil)))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"members":[],"status_changes":{},"total_status_changes":0,"total_flaps":0,"total_suspicions":0,"false_failures":{"count":0,"unexplained":0,"uninvolved":0,"verdicts":[]},"convergence":{"last_fault_end":null,"after_faults_s":null,"liveness_start":null,"after_liveness_s":null}}`
	if string(b) != want {
		t.Errorf("JSON:\n%s\nwant\n%s", b, want)
	}
}

// A failure during two faults, one acting on the member and one elsewhere, names the one
// acting on it and only counts the other.
func TestMembershipFalseFailureNamesOnlyInvolvedFaults(t *testing.T) {
	r := Membership(NewRun(stream(started(), one(
		faultStart(1000, "isolate-2", "isolate", "server-2"),
		faultStart(1000, "flap-client", "nic_flap", "client-1"),
		member(1500, "server-1", "server-2", event.StatusFailed),
		member(2100, "server-1", "server-2", event.StatusAlive),
	))))
	got := r.FalseFailures.Verdicts[0].Explanation
	if !strings.HasSuffix(got, "faults acting on them: isolate-2 (isolate server-2, from 1.000 s, in progress) (and 1 acting on neither)") {
		t.Errorf("explanation %q", got)
	}
}
