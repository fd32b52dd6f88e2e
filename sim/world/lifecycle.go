package world

import (
	"fmt"
	"runtime"
	"time"

	"github.com/consim/consim/diskmodel"
	"github.com/consim/consim/event"
)

// A node's lifecycle (crash, leave, restart) never blocks the world's main goroutine:
// stopping an agent waits for raft and memberlist to wind down (behind a stalled fsync,
// for as long as the disk takes), a leave waits for its messages to go out, and a join
// waits for an answer that a partition may hold back for memberlist's whole timeout.
// Meanwhile the schedule must go on: faults fire and end when they are due (advance checks
// it). So the waiting runs on a goroutine of its own, and what it changes in the world
// is applied on the main goroutine when it is done (background). A restart of a node
// that is still stopping waits for the stop to finish, so the disk has crashed first.

// background runs work on a goroutine of its own and, when it returns, the function it
// returns on the main goroutine (waitUntil and drainDone apply it).
func (w *World) background(work func() (apply func())) {
	go func() {
		apply := work()
		w.done <- apply
	}()
}

// crash stops n as a power loss would, with no leave message: now, its network endpoints
// vanish (peers' streams are reset, packets to it are dropped), it falls silent (nothing
// it does from here on reaches the stream) and node_down says it is down. Then, in the
// background, its agent winds down and its disk loses what was not durable, and done (if
// not nil) runs. The agent stops before the disk crashes because raft panics when its
// stable store fails under it, and the disk crashes only once no write waits for its
// fsync: raft's transport answers a heartbeat on the connection's goroutine, which
// Shutdown does not wait for, and a heartbeat of a newer term that came in before the
// crash is still saving that term. The price is that a write already waiting for its
// fsync completes instead of being lost, which only ever keeps a write that was not yet
// acknowledged (nobody can hear the answer). With fsync lies on, the unflushed tail is
// still lost. It returns how many of n's stream ends the crash reset.
func (w *World) crash(n *simNode, done func()) int {
	if n.agent == nil {
		return 0
	}
	reset := n.host.Crash()
	n.voice.silent.Store(true)
	w.emit.emit(event.Event{Type: event.NodeDown, Node: n.name, Reason: "crash"})
	agent := n.agent
	n.agent = nil
	n.stopping++
	disk := n.disk
	w.background(func() func() {
		stuck := time.AfterFunc(shutdownLimit, func() { w.stuckShutdown(n) })
		agent.Shutdown()
		stuck.Stop()
		return w.crashDiskWhenIdle(n, disk, done)
	})
	return reset
}

// crashDiskWhenIdle waits (in the background) until no write to disk waits for its
// fsync, and returns what then crashes it, on the main goroutine, and ends n's stop. A
// write the stopped agent's goroutines started meanwhile sends it back to waiting.
func (w *World) crashDiskWhenIdle(n *simNode, disk *diskmodel.Disk, done func()) func() {
	if disk != nil {
		<-disk.Idle()
	}
	return func() {
		if disk != nil && disk.Stats().InFlight > 0 {
			w.background(func() func() { return w.crashDiskWhenIdle(n, disk, done) })
			return
		}
		if n.disk != nil {
			n.disk.Crash()
		}
		w.stopped(n, done)
	}
}

// leave has n leave gracefully: the leave event now, node_down (reason leave) once its
// leave intent and memberlist's leave have gone out and the agent is shut down. The agent
// keeps running (and counts as running) until then. stopped (if not nil) runs once n is
// down.
//
// Once its agent is shut down, the life falls silent as a crashed one does: what the
// libraries left running after Shutdown (memberlist finishes an in-flight probe and keeps
// its suspicion timers) is no process's any more, and reaching the stream under n's name
// it read as the next life's (graceful-leave: the rejoined client-3 "failed" server-1).
func (w *World) leave(n *simNode, stopped func()) {
	if n.agent == nil {
		w.emit.emit(event.Event{Type: event.Leave, Node: n.name, Reason: "not running"})
		return
	}
	w.emit.emit(event.Event{Type: event.Leave, Node: n.name})
	agent := n.agent
	n.stopping++
	w.background(func() func() {
		err := agent.Leave()
		stuck := time.AfterFunc(shutdownLimit, func() { w.stuckShutdown(n) })
		agent.Shutdown()
		stuck.Stop()
		n.voice.silent.Store(true) // still this life's: a restart waits for the stop
		return func() {
			if n.agent == agent { // not crashed meanwhile
				n.agent, n.left = nil, true
			}
			ev := event.Event{Type: event.NodeDown, Node: n.name, Reason: event.ReasonLeave}
			if err != nil {
				ev.Error = err.Error()
			}
			w.emit.emit(ev)
			w.stopped(n, stopped)
		}
	})
}

// stopped runs after one of n's stops is complete: then, once none is left, what waited
// for n to be down.
func (w *World) stopped(n *simNode, then func()) {
	n.stopping--
	if then != nil {
		then()
	}
	if n.stopping == 0 {
		waiting := n.afterStop
		n.afterStop = nil
		for _, f := range waiting {
			f()
		}
	}
}

// restart brings a crashed (or departed) n back on the same disk and has it rejoin the
// gossip pool through via, or, if via is empty, the first other node that is up; the start
// and the join run in the background. A node still stopping restarts once it has stopped;
// one running or starting is left alone. up (if not nil) runs once the agent runs.
func (w *World) restart(n *simNode, via string, up func()) {
	switch {
	case n.stopping > 0:
		n.afterStop = append(n.afterStop, func() { w.restart(n, via, up) })
		return
	case n.agent != nil || n.starting:
		return
	}
	n.host.Restart()
	w.start(n, func() {
		if up != nil {
			up()
		}
		addr := via
		if addr == "" {
			for _, other := range w.nodes {
				if other != n && other.agent != nil {
					addr = other.gossipAddr()
					break
				}
			}
		}
		if addr != "" {
			w.joinInBackground(n, addr)
		}
	})
}

// joinInBackground has n's agent join through addr and records the attempt when it is
// answered, without holding up the world: memberlist waits up to its timeout for an
// answer that a partition holds back.
func (w *World) joinInBackground(n *simNode, addr string) {
	agent := n.agent
	go func() {
		ev := event.Event{Type: event.Join, Node: n.name, Addr: addr}
		if _, err := agent.Join(addr); err != nil {
			ev.Reason = err.Error()
		}
		w.emit.emit(ev)
	}()
}

// shutdownLimit bounds, in virtual time, how long a crashed agent may take to stop. An agent
// that takes longer is stuck (a library goroutine that never returns): the run could only
// end at the wall-time limit, so the world fails it now, with every goroutine's stack.
const shutdownLimit = time.Minute

// stuckShutdown records the goroutines of the guest as a log event and fails the run.
func (w *World) stuckShutdown(n *simNode) {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	w.emit.emit(event.Event{Type: event.Log, Node: n.name, Text: "goroutines of a stuck shutdown:\n" + string(buf)})
	panic(fmt.Sprintf("world: %s did not shut down within %s of virtual time (seed %d); its goroutines are in the stream's last log event", n.name, shutdownLimit, w.spec.Seed))
}
