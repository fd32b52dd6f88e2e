package gen

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/scenarios"
)

// Scenario returns a generator of whole, valid scenarios restricted by o, with defaults
// applied and the expectations every correct run meets (Expect). It panics when o is
// invalid: check it first with o.Check.
func Scenario(o Options) *rapid.Generator[*scenarios.Scenario] {
	if err := o.Check(); err != nil {
		panic("gen: " + err.Error())
	}
	return rapid.Custom(func(t *rapid.T) *scenarios.Scenario {
		return draw(t, o)
	})
}

// draw makes one scenario; the order of the draws is the order shrinking simplifies in.
func draw(t *rapid.T, o Options) *scenarios.Scenario {
	lo, hi := o.servers()
	secs := rapid.IntRange(int(MinDuration/time.Second), int(o.maxDuration()/time.Second)).Draw(t, "duration_s")
	sc := &scenarios.Scenario{
		Name:     "generated",
		Duration: scenarios.Duration(time.Duration(secs) * time.Second),
		Cluster: scenarios.Cluster{
			Servers: rapid.IntRange(lo, hi).Draw(t, "servers"),
			Clients: rapid.IntRange(0, o.maxClients()).Draw(t, "clients"),
		},
		Bugs: append([]string(nil), o.Bugs...),
	}
	sc.Disk.WriteLatency = drawFsync(t)
	sc.Workload = drawWorkload(t, sc)
	sc.Actions = drawEvents(t, sc)
	drawFaults(t, sc, o)
	// The seed comes last: rapid shrinks the draws in order, and a new seed is a new run,
	// not a simpler one; the shrinker's time is better spent on the structure first.
	sc.Seed = rapid.Uint64Range(1, 1<<16).Draw(t, "seed")
	// Lock clients and services come after the seed: a rapid seed then draws the same
	// cluster, workload, events, faults and run seed as before they were drawn at all,
	// and a hunt that does not draw them runs what it ran before.
	drawLocks(t, sc, o)
	drawServices(t, sc)
	// Anti-entropy may need a few 30 s push-pull rounds to deliver an event a partition
	// kept from some members; the phase ends as soon as everything has converged.
	sc.Liveness.Timeout = scenarios.Duration(LivenessTimeout)
	sc.Expect = Expect(sc)
	sc.Description = describe(sc)
	sc.ApplyDefaults()
	if err := sc.Validate(); err != nil {
		t.Fatalf("gen: generated an invalid scenario (a bug of the generator): %v\n%s", err, sc.Canonical())
	}
	return sc
}

// drawFsync draws the servers' fsync latency, 0 to 50 ms. Not slower: raft persists its
// term and vote (three synced writes on each side of a vote) before an election completes,
// and with every disk at 700 ms no election ever did in 5 minutes (4 servers, no fault):
// a true property of raft, and no finding, so no property could expect liveness there.
func drawFsync(t *rapid.T) scenarios.Duration {
	return scenarios.Duration(time.Duration(rapid.IntRange(0, 50).Draw(t, "fsync_ms")) * time.Millisecond)
}

// LivenessTimeout bounds the liveness phase of generated scenarios.
const LivenessTimeout = 5 * time.Minute

// workloadStart leaves the cluster time to elect a leader before the clients start.
const workloadStart = 2 * time.Second

func drawWorkload(t *rapid.T, sc *scenarios.Scenario) *scenarios.Workload {
	clients := rapid.IntRange(1, 6).Draw(t, "workload_clients")
	w := &scenarios.Workload{
		Clients: clients,
		Rate:    scenarios.Rate(rapid.IntRange(1, 20).Draw(t, "rate_per_s")),
		Keys:    rapid.IntRange(1, 8).Draw(t, "keys"),
		Mix: scenarios.Mix{
			Get: float64(rapid.IntRange(1, 4).Draw(t, "mix_get")),
			Put: float64(rapid.IntRange(1, 4).Draw(t, "mix_put")),
			CAS: float64(rapid.IntRange(0, 2).Draw(t, "mix_cas")),
		},
		Timeout: scenarios.Duration(time.Duration(rapid.IntRange(1, 5).Draw(t, "timeout_s")) * time.Second),
		Start:   scenarios.Duration(workloadStart),
	}
	w.ReadModes = drawReadModes(t, "read_modes")
	vias := viasOf(sc)
	n := rapid.IntRange(1, min(3, clients)).Draw(t, "vias")
	for i := range n {
		w.Via = append(w.Via, rapid.SampledFrom(vias).Draw(t, fmt.Sprintf("via_%d", i)))
	}
	return w
}

// drawEvents draws up to three user events, from any agent, while the run lasts.
func drawEvents(t *rapid.T, sc *scenarios.Scenario) []scenarios.Action {
	n := rapid.IntRange(0, 3).Draw(t, "user_events")
	names := sc.NodeNames()
	var out []scenarios.Action
	for i := range n {
		at := drawTime(t, sc, fmt.Sprintf("event_%d_at", i), time.Second)
		out = append(out, scenarios.Action{At: at, Event: &scenarios.EventAction{
			From: rapid.SampledFrom(names).Draw(t, fmt.Sprintf("event_%d_from", i)),
			Name: "ev", Payload: fmt.Sprintf("p%d", i+1),
		}})
	}
	// The scenario format wants actions in time order.
	slices.SortStableFunc(out, func(a, b scenarios.Action) int { return cmp.Compare(a.At, b.At) })
	return out
}

// drawTime draws a time from min to a second before the end, in steps of 100ms.
func drawTime(t *rapid.T, sc *scenarios.Scenario, label string, lo time.Duration) scenarios.Duration {
	steps := int((sc.Duration.D() - time.Second - lo) / (100 * time.Millisecond))
	return scenarios.Duration(lo + time.Duration(rapid.IntRange(0, steps).Draw(t, label))*100*time.Millisecond)
}

// Properties are the names of the expectations Expect can write, as a judged run names
// them (reports.Evaluate), liveness first: the properties of a hunt.
var Properties = []string{
	"liveness: converged", "default: linearizable", "consistent: linearizable", "user_events: delivered",
	"lost_writes: 0", "unexplained_failures: 0", "lock_overlaps: 0", "fenced_out_of_order: 0",
	"discovery_lag_max: " + scenarios.Duration(discoveryLagMax).String(),
}

// Expect returns what every run of sc on a correct node must show: consistent reads
// linearizable, and default reads too when no fault is scheduled (a default read is
// answered by whoever believes it leads, so any fault that may depose a leader unawares
// may make it stale, as Consul documents), no acknowledged write lost, every user event
// delivered once to every member owed it, no false failure with no fault in progress. With
// lock clients (whose lock-delay the generator keeps above their TTL: drawLocks), no two
// clients believe they hold a lock at once and no acknowledged fenced write is applied
// out of LockIndex order. With a discovery workload and no fault, no lookup returns an
// instance more than discoveryLagMax after its check went critical. The liveness phase's
// convergence is always expected.
func Expect(sc *scenarios.Scenario) *scenarios.Expect {
	e := &scenarios.Expect{}
	zero := 0
	if w := sc.Workload; w != nil {
		e.LostWrites = &zero
		for _, m := range w.ReadModes {
			switch {
			case m == scenarios.ModeConsistent:
				e.Consistent = scenarios.VerdictLinearizable
			case m == scenarios.ModeDefault && len(sc.Faults) == 0:
				e.Default = scenarios.VerdictLinearizable
			}
		}
	}
	for _, a := range sc.Actions {
		if a.Event != nil {
			e.UserEvents = "delivered"
		}
	}
	unexplained := 0
	e.UnexplainedFailures = &unexplained
	if w := sc.Workload; w != nil && w.Locks != nil {
		overlaps := 0
		e.LockOverlaps = &overlaps
		if w.Locks.Fenced {
			outOfOrder := 0
			e.FencedOutOfOrder = &outOfOrder
		}
	}
	if sc.Discovery != nil && len(sc.Faults) == 0 {
		e.DiscoveryLagMax = scenarios.Duration(discoveryLagMax)
	}
	return e
}

// describe says in a line what was generated.
func describe(sc *scenarios.Scenario) string {
	locks := ""
	if sc.Workload != nil && sc.Workload.Locks != nil {
		locks = fmt.Sprintf(", %d lock client(s)", sc.Workload.Locks.Clients)
	}
	return fmt.Sprintf("Generated: %d servers, %d clients, %d fault(s), %d user event(s)%s%s, %s.",
		sc.Cluster.Servers, sc.Cluster.Clients, len(sc.Faults), len(sc.Actions), locks, describeServices(sc), sc.Duration)
}

// drawReadModes draws a non-empty set of read modes, as a bit mask: 1 is default alone.
func drawReadModes(t *rapid.T, label string) []string {
	var modes []string
	mask := rapid.IntRange(1, 7).Draw(t, label)
	for i, m := range scenarios.ReadModes {
		if mask&(1<<i) != 0 {
			modes = append(modes, m)
		}
	}
	return modes
}

// viasOf is where a client may send its requests in sc: to any server, the leader, a
// follower (with two servers or more), a client agent (with one or more).
func viasOf(sc *scenarios.Scenario) []string {
	vias := []string{scenarios.ViaServers, scenarios.ViaLeader, scenarios.ViaFollowers}
	if sc.Cluster.Clients > 0 {
		vias = append(vias, scenarios.ViaClients)
	}
	if sc.Cluster.Servers < 2 {
		vias = vias[:2] // no followers
	}
	return vias
}
