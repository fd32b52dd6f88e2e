package world

import (
	"fmt"

	"github.com/consim/consim/sim/event"
)

// crash stops n as a power loss would, with no leave message. Its network endpoints
// vanish first (peers' streams are reset, packets to it are dropped), then its agent
// stops, then its disk loses what was not durable. The agent stops before the disk
// crashes because raft panics when its stable store fails under it; the price is that a
// write already waiting for its fsync completes instead of being lost, which only ever
// keeps a write that was not yet acknowledged. With fsync lies on, the unflushed tail is
// still lost.
func (w *World) crash(n *simNode) {
	if n.agent == nil {
		return
	}
	n.host.Crash()
	n.agent.Shutdown()
	if n.disk != nil {
		n.disk.Crash()
	}
	n.agent = nil
	w.emit.emit(event.Event{Type: event.NodeDown, Node: n.name, Reason: "crash"})
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
