package world

import (
	"fmt"
	"runtime"
	"time"

	"github.com/consim/consim/sim/event"
)

// crash stops n as a power loss would, with no leave message. Its network endpoints
// vanish first (peers' streams are reset, packets to it are dropped), then its agent
// stops, then its disk loses what was not durable. The agent stops before the disk
// crashes because raft panics when its stable store fails under it; the price is that a
// write already waiting for its fsync completes instead of being lost, which only ever
// keeps a write that was not yet acknowledged. With fsync lies on, the unflushed tail is
// still lost. It returns how many of n's stream ends the crash reset.
func (w *World) crash(n *simNode) int {
	if n.agent == nil {
		return 0
	}
	reset := n.host.Crash()
	stuck := time.AfterFunc(shutdownLimit, func() { w.stuckShutdown(n) })
	n.agent.Shutdown()
	stuck.Stop()
	if n.disk != nil {
		n.disk.Crash()
	}
	n.agent = nil
	w.emit.emit(event.Event{Type: event.NodeDown, Node: n.name, Reason: "crash"})
	return reset
}

// restart brings a crashed n back on the same disk and has it rejoin the gossip pool
// through the first other node that is up.
func (w *World) restart(n *simNode) error {
	if n.agent != nil {
		return nil
	}
	n.host.Restart()
	if err := w.start(n); err != nil {
		return fmt.Errorf("world: restart %s: %w", n.name, err)
	}
	for _, via := range w.nodes {
		if via != n && via.agent != nil {
			w.join(n, via)
			break
		}
	}
	return nil
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
