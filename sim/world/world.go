// Package world is the guest side of consim: it builds the simulated cluster from a run
// spec (hosts on the virtual network, one agent per host), runs it for the scenario's
// duration and writes the event stream. It runs inside the wasip1 guest, where time is
// virtual and every random choice comes from the run seed.
package world

import (
	"fmt"
	"io"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/sim/runspec"
)

// Ports every agent uses. Raft, gossip and HTTP as in Consul (8300, 8301, 8500); the
// server RPC that Consul multiplexes onto 8300 has a port of its own here (8303), so raft
// traffic and forwarded requests stay apart.
const (
	raftPort   = 8300
	gossipPort = 8301
	rpcPort    = 8303
	httpPort   = 8500
)

// tickInterval is how often a tick event reports progress and network counters.
const tickInterval = time.Second

// World is one simulated cluster. Its methods are called only from the world's main
// goroutine; observers (library goroutines) only emit events.
type World struct {
	spec  runspec.Spec
	emit  *emitter
	net   *netmodel.Network
	nodes []*simNode // servers first, then clients, in name order

	// next is the schedule's next action (faults.plan.Items; the agenda runs its fault
	// items); done brings the completions of what runs in the background (a blocking
	// action, an agent's start or stop) to the main goroutine (actions.go, lifecycle.go).
	next   int
	done   chan func()
	agenda agenda     // timed items: the schedule's fault items, boots, nemesis draws, flaps (agenda.go)
	faults faultWorld // the schedule and the firings in progress (faults.go)
	// due is when what the main goroutine runs now was scheduled (advance's onTime): a
	// firing records it as its start, so a late one would show.
	due time.Duration
}

// Run builds the world from spec, runs it to the end and writes the stream, after its
// first line, to out.
func Run(spec runspec.Spec, out io.Writer) error {
	w, err := newWorld(spec, out)
	if err != nil {
		return err
	}
	sc := &spec.Scenario
	// The host writes run_start: the world is not told the scenario's name (sim's worldSpec).
	w.scheduleBoot() // staggered within the first second, then the joins (boot.go)
	stopWorkload, err := w.startWorkload()
	if err != nil {
		return err
	}
	w.scheduleFaults() // faults.go
	w.runUntil(sc.Duration.D())
	w.liveness() // liveness.go
	stopWorkload()
	if err := w.finalReads(); err != nil {
		return err
	}
	w.emit.emit(event.Event{Type: event.RunEnd, Alive: w.alive(), Leaders: w.leaders(), Net: w.netStats()})
	return nil
}

// newWorld builds the world's network and hosts, with no agent running yet, and its
// schedule.
func newWorld(spec runspec.Spec, out io.Writer) (*World, error) {
	w := &World{spec: spec, emit: newEmitter(out)}
	w.faults.plan = spec.Scenario.Schedule() // what happens when: scenarios/schedule.go
	w.done = make(chan func(), len(spec.Scenario.Actions)+len(spec.Scenario.Faults)+16)
	var err error
	if w.net, err = newNetwork(spec); err != nil {
		return nil, err
	}
	if err := w.addNodes(); err != nil {
		return nil, err
	}
	return w, nil
}

// runUntil lets the cluster run, emitting ticks, until virtual time end.
func (w *World) runUntil(end time.Duration) {
	debug := w.spec.Debug
	for next := tickInterval; ; next += tickInterval {
		if next > end {
			next = end
		}
		if d := debug.PanicAt.D(); d > 0 && d <= next {
			w.advance(d)
			panic(fmt.Sprintf("world: debug panic_at %s reached (seed %d)", d, w.spec.Seed))
		}
		if d := debug.HangAt.D(); d > 0 && d <= next {
			w.advance(d)
			spin()
		}
		w.advance(next) // runs the scenario's actions on the way (actions.go)
		if next == end {
			w.drainDone()
			return
		}
		w.reportRaft()
		w.emit.emit(event.Event{Type: event.Tick, Alive: w.alive(), Leaders: w.leaders(), Net: w.netStats()})
	}
}

func (w *World) sleepUntil(t time.Duration) {
	if d := t - w.emit.now(); d > 0 {
		time.Sleep(d)
	}
}

// spin never yields. On wasip1 nothing preempts it, so virtual time stops and only the
// host's wall-time limit ends the run: this is how tests prove that limit works.
//
//go:noinline
func spin() {
	x := 0
	for {
		x++
	}
}

func (w *World) alive() *int {
	n := 0
	for _, sn := range w.nodes {
		if sn.agent != nil {
			n++
		}
	}
	return &n
}

func (w *World) leaders() []string {
	var out []string
	for _, sn := range w.nodes {
		if sn.agent == nil {
			continue
		}
		if state, _ := sn.agent.RaftState(); state == event.RaftLeader {
			out = append(out, sn.name)
		}
	}
	return out
}
