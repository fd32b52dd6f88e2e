package checker

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/consim/consim/event"
)

// FalseFailureGrace is how long after a fault firing ends it still counts as a cause of a
// failed verdict, and how long a suspicion has to turn into one. memberlist declares a
// member failed when a suspicion of it times out, and with Lifeguard that timeout starts
// at SuspicionMaxTimeoutMult (6) times the minimum, 4 probe intervals on LAN for up to
// 10 members: 24 s. A suspicion begun during a fault may so expire after it ended.
const FalseFailureGrace = 30 * time.Second

// MembershipReport judges gossip membership from a stream: how often members' statuses
// changed in the others' views, flaps, failed verdicts on members that were running, and
// how long the cluster took to converge after the faults and after liveness_start.
//
// A member is running between its node_up and its node_down. Status changes and flaps
// are counted per observer (another node's view of the member; an observer's view starts
// afresh when it restarts) and summed per member.
type MembershipReport struct {
	// Members has one entry per node of the stream, by name.
	Members []MemberReport `json:"members"`
	// StatusChanges is each member's count of status changes in others' views, by name
	// (the same numbers as Members, for a quick look: summary.json's
	// membership.status_changes).
	StatusChanges map[string]int `json:"status_changes"`
	// TotalStatusChanges, TotalFlaps and TotalSuspicions are the sums over Members.
	TotalStatusChanges int `json:"total_status_changes"`
	TotalFlaps         int `json:"total_flaps"`
	TotalSuspicions    int `json:"total_suspicions"`
	// FalseFailures are the failed verdicts on running members.
	FalseFailures FalseFailures `json:"false_failures"`
	// Convergence is how long every running node took to see every running node alive.
	Convergence MembershipConvergence `json:"convergence"`
}

// MemberReport is one member's part of a MembershipReport.
type MemberReport struct {
	Name string `json:"name"`
	// StatusChanges counts the changes of its status in other nodes' views (alive,
	// failed, leaving, left), not counting the first status each observer saw.
	StatusChanges int `json:"status_changes"`
	// Flaps counts the cycles alive → failed → alive in one observer's view, and the
	// suspicions of it that came to nothing (alive → suspect → alive), while it kept
	// running throughout. A crash and restart is not a flap.
	Flaps int `json:"flaps"`
	// Suspicions counts the member_suspect events naming it.
	Suspicions int `json:"suspicions"`
	// FalseFailures counts the failed verdicts on it while it was running.
	FalseFailures int `json:"false_failures"`
}

// FalseFailures are the failed verdicts on members that were running.
type FalseFailures struct {
	Count int `json:"count"`
	// Unexplained counts those with no fault firing in progress (or ended within
	// FalseFailureGrace): nothing in the scenario explains them.
	Unexplained int `json:"unexplained"`
	// Uninvolved counts those with faults in progress, none of which acted on the member
	// or the observer (a partition elsewhere, say).
	Uninvolved int            `json:"uninvolved"`
	Verdicts   []FalseFailure `json:"verdicts"`
}

// FalseFailure is one observer's failed verdict on a member that was running.
type FalseFailure struct {
	T        float64 `json:"t"` // virtual seconds
	Observer string  `json:"observer"`
	Member   string  `json:"member"`
	// Involved says whether one of Faults acted on the member or the observer.
	Involved bool `json:"involved"`
	// Faults are the firings in progress then, or ended within FalseFailureGrace.
	Faults []ActiveFault `json:"faults"`
	// Explanation says it in one sentence: "server-1 saw server-3 failed at 12.345 s,
	// while server-3 was running (up since 0.000 s); in progress: isolate-leader
	// (isolate server-3, 8.000 s to 14.000 s)".
	Explanation string `json:"explanation"`
}

// MembershipConvergence is how long after a moment every running node first saw every
// running node (itself included) alive. Null durations: the moment did not happen, or
// the cluster never converged after it.
type MembershipConvergence struct {
	// LastFaultEnd is when the last fault firing ended; AfterFaultsS how many seconds
	// after it the cluster converged.
	LastFaultEnd *float64 `json:"last_fault_end"`
	AfterFaultsS *float64 `json:"after_faults_s"`
	// LivenessStart is the liveness_start time; AfterLivenessS how many seconds after it
	// the cluster converged.
	LivenessStart  *float64 `json:"liveness_start"`
	AfterLivenessS *float64 `json:"after_liveness_s"`
}

// suspicion is a member_suspect waiting to be resolved.
type suspicion struct {
	observer, member string
	at               event.Time
	epoch            int // the member's epoch then
}

// Membership computes a MembershipReport from a run. Only the firings that acted count as
// faults (heals, and firings that found no target, disturbed nothing).
func Membership(run *Run) MembershipReport {
	events := run.Events
	var faults []FaultWindow
	for _, f := range run.Faults {
		if f.Acted() {
			faults = append(faults, f)
		}
	}
	var lastFaultEnd, livenessStart *event.Time
	for i := range faults {
		if e := faults[i].End; faults[i].Ended && (lastFaultEnd == nil || e > *lastFaultEnd) {
			lastFaultEnd = &e
		}
	}
	var end event.Time
	for _, ev := range events {
		if ev.Type == event.LivenessStart && livenessStart == nil {
			t := ev.T
			livenessStart = &t
		}
		end = max(end, ev.T)
	}
	m := newMembershipState()
	conv := []*convergenceWatch{{from: lastFaultEnd}, {from: livenessStart}}
	var rep MembershipReport
	var pending []suspicion
	resolve := func(now event.Time, final bool) {
		kept := pending[:0]
		for _, s := range pending {
			switch {
			case m.epoch[s.member] != s.epoch:
				// It went down meanwhile: a real failure, not a flap.
			case m.failedSince(s.observer, s.member, s.at):
				// It became a failed verdict: an alive → failed → alive cycle, if any.
			case final || now-s.at >= event.Time(FalseFailureGrace):
				m.member(s.member).Flaps++
			default:
				kept = append(kept, s)
			}
		}
		pending = kept
	}
	for i, ev := range events {
		resolve(ev.T, false)
		switch ev.Type {
		case event.NodeUp:
			m.up(ev.Node, ev.T)
		case event.NodeDown:
			m.down(ev.Node)
		case event.MemberSuspect:
			m.member(ev.Member).Suspicions++
			if m.running[ev.Member] {
				pending = append(pending, suspicion{ev.Node, ev.Member, ev.T, m.epoch[ev.Member]})
			}
		case event.Member:
			m.observe(ev.Node, ev.Member, ev.Status, ev.T)
			if ev.Status == event.StatusFailed && ev.Node != ev.Member && m.running[ev.Member] {
				rep.FalseFailures.Verdicts = append(rep.FalseFailures.Verdicts, falseFailure(ev, m.upSince[ev.Member], faults))
				m.member(ev.Member).FalseFailures++
			}
		}
		// The state after the last event at a time holds until the next event's time.
		if i+1 == len(events) || events[i+1].T != ev.T {
			next := event.Time(math.MaxInt64)
			if i+1 < len(events) {
				next = events[i+1].T
			}
			for _, c := range conv {
				c.check(ev.T, next, m)
			}
		}
	}
	resolve(end, true)

	rep.StatusChanges = map[string]int{}
	for _, name := range m.names() {
		r := *m.reports[name]
		rep.Members = append(rep.Members, r)
		rep.StatusChanges[name] = r.StatusChanges
		rep.TotalStatusChanges += r.StatusChanges
		rep.TotalFlaps += r.Flaps
		rep.TotalSuspicions += r.Suspicions
	}
	if rep.Members == nil {
		rep.Members = []MemberReport{}
	}
	ff := &rep.FalseFailures
	ff.Count = len(ff.Verdicts)
	for _, v := range ff.Verdicts {
		switch {
		case len(v.Faults) == 0:
			ff.Unexplained++
		case !v.Involved:
			ff.Uninvolved++
		}
	}
	if ff.Verdicts == nil {
		ff.Verdicts = []FalseFailure{}
	}
	rep.Convergence = MembershipConvergence{
		LastFaultEnd: seconds(lastFaultEnd), AfterFaultsS: conv[0].result(),
		LivenessStart: seconds(livenessStart), AfterLivenessS: conv[1].result(),
	}
	return rep
}

// falseFailure describes the failed verdict ev on a member running since upSince.
func falseFailure(ev event.Event, upSince event.Time, faults []FaultWindow) FalseFailure {
	f := FalseFailure{T: ev.T.Seconds(), Observer: ev.Node, Member: ev.Member, Faults: []ActiveFault{}}
	var involved, other []string
	for i := range faults {
		w := &faults[i]
		if w.Start > ev.T || (w.Ended && w.End+event.Time(FalseFailureGrace) < ev.T) {
			continue
		}
		f.Faults = append(f.Faults, w.active())
		span := fmt.Sprintf("from %.3f s, in progress", w.Start.Seconds())
		if w.Ended && w.End <= ev.T {
			span = fmt.Sprintf("%.3f s to %.3f s, ended %.3f s before", w.Start.Seconds(), w.End.Seconds(), (ev.T - w.End).Seconds())
		} else if w.Ended {
			span = fmt.Sprintf("%.3f s to %.3f s, in progress", w.Start.Seconds(), w.End.Seconds())
		}
		desc := fmt.Sprintf("%s (%s %s, %s)", w.Name, w.Kind, strings.Join(w.Targets, " "), span)
		if w.Involves(ev.Member) || w.Involves(ev.Node) {
			f.Involved = true
			involved = append(involved, desc)
		} else {
			other = append(other, desc)
		}
	}
	why := "no fault was in progress"
	switch {
	case len(involved) > 0:
		why = "faults acting on them: " + strings.Join(involved, "; ")
		if len(other) > 0 {
			why += fmt.Sprintf(" (and %d acting on neither)", len(other))
		}
	case len(other) > 0:
		why = "faults then, acting on neither: " + strings.Join(other, "; ")
	}
	f.Explanation = fmt.Sprintf("%s saw %s failed at %.3f s, while %s was running (up since %.3f s); %s",
		ev.Node, ev.Member, ev.T.Seconds(), ev.Member, upSince.Seconds(), why)
	return f
}

func seconds(t *event.Time) *float64 {
	if t == nil {
		return nil
	}
	s := t.Seconds()
	return &s
}

// membershipState is every node's view of every member as the stream goes, and the
// counters of each member.
type membershipState struct {
	running  map[string]bool
	nRunning int
	upSince  map[string]event.Time
	epoch    map[string]int // node_up and node_down count per node: same epoch, same run
	// view[observer][member] is the observer's latest status of the member since the
	// observer last started.
	view map[string]map[string]string
	// left[observer][member]: when the view went from alive to failed, and the member's
	// epoch then; cleared when it goes back to alive.
	left map[string]map[string]departure
	// alive counts the (observer, member) pairs of running nodes with the view alive.
	alive   int
	reports map[string]*MemberReport
}

type departure struct {
	at    event.Time
	epoch int
}

func newMembershipState() *membershipState {
	return &membershipState{running: map[string]bool{}, upSince: map[string]event.Time{}, epoch: map[string]int{},
		view: map[string]map[string]string{}, left: map[string]map[string]departure{}, reports: map[string]*MemberReport{}}
}

func (m *membershipState) member(name string) *MemberReport {
	r := m.reports[name]
	if r == nil {
		r = &MemberReport{Name: name}
		m.reports[name] = r
	}
	return r
}

func (m *membershipState) names() []string {
	var out []string
	for n := range m.reports {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func (m *membershipState) converged() bool {
	return m.nRunning > 0 && m.alive == m.nRunning*m.nRunning
}

// pairs calls f for every (observer, member) pair of running nodes that includes x.
func (m *membershipState) pairs(x string, f func(o, mem string)) {
	for o := range m.running {
		if !m.running[o] {
			continue
		}
		f(o, x)
		if o != x {
			f(x, o)
		}
	}
}

func (m *membershipState) countAlive(o, mem string) int {
	if m.view[o][mem] == event.StatusAlive {
		return 1
	}
	return 0
}

func (m *membershipState) up(node string, t event.Time) {
	m.member(node)
	if m.running[node] {
		return
	}
	m.running[node] = true
	m.nRunning++
	m.epoch[node]++
	m.upSince[node] = t
	m.pairs(node, func(o, mem string) { m.alive += m.countAlive(o, mem) })
}

// down stops node: its own view is forgotten (it starts afresh when it restarts).
func (m *membershipState) down(node string) {
	if m.running[node] {
		m.pairs(node, func(o, mem string) { m.alive -= m.countAlive(o, mem) })
		m.running[node] = false
		m.nRunning--
	}
	m.epoch[node]++
	delete(m.view, node)
	delete(m.left, node)
}

// observe records that observer now sees mem with status.
func (m *membershipState) observe(observer, mem, status string, t event.Time) {
	m.member(mem)
	if m.view[observer] == nil {
		m.view[observer] = map[string]string{}
		m.left[observer] = map[string]departure{}
	}
	prev, seen := m.view[observer][mem]
	if seen && prev == status {
		return
	}
	counted := m.running[observer] && m.running[mem]
	if counted {
		m.alive -= m.countAlive(observer, mem)
	}
	m.view[observer][mem] = status
	if counted {
		m.alive += m.countAlive(observer, mem)
	}
	if !seen || observer == mem {
		return
	}
	r := m.member(mem)
	r.StatusChanges++
	switch {
	case prev == event.StatusAlive && status == event.StatusFailed:
		m.left[observer][mem] = departure{t, m.epoch[mem]}
	case status == event.StatusAlive:
		if d, ok := m.left[observer][mem]; ok && d.epoch == m.epoch[mem] {
			r.Flaps++
		}
		delete(m.left[observer], mem)
	}
}

// failedSince says whether observer's view of mem turned failed at or after t.
func (m *membershipState) failedSince(observer, mem string, t event.Time) bool {
	d, ok := m.left[observer][mem]
	return (ok && d.at >= t) || m.view[observer][mem] == event.StatusFailed
}

// convergenceWatch finds the first moment at or after from when the cluster converged.
type convergenceWatch struct {
	from *event.Time
	at   *event.Time
}

// check is called once every event at t is applied: the state then holds until next.
// Events at one time are taken together, so that the liveness phase's restarts, made
// at the moment it starts, count before the cluster is judged converged.
func (c *convergenceWatch) check(t, next event.Time, m *membershipState) {
	if c.from != nil && c.at == nil && *c.from < next && m.converged() {
		at := max(t, *c.from)
		c.at = &at
	}
}

func (c *convergenceWatch) result() *float64 {
	if c.at == nil {
		return nil
	}
	s := (*c.at - *c.from).Seconds()
	return &s
}
