package world

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node/serf"
	"github.com/consim/consim/scenarios"
)

// advance lets the cluster run until virtual time until, running on the way the
// scenario's actions and the agenda's items (fault firings and their ends) that fall due,
// in time order; at equal times actions go first. Actions that block (leave, join, tags,
// force-leave wait for gossip) run on goroutines of their own; what they change in the
// world is applied here, on the main goroutine, when they are done.
func (w *World) advance(until time.Duration) {
	items, acts := w.faults.plan.Items, w.spec.Scenario.Actions
	for {
		for w.next < len(items) && items[w.next].Kind != scenarios.ItemAction {
			w.next++ // the agenda runs the fault items (faults.go)
		}
		actAt, haveAct := time.Duration(0), w.next < len(items)
		if haveAct {
			actAt = items[w.next].At.D()
		}
		itemAt, haveItem := w.agenda.next()
		switch {
		case haveAct && actAt <= until && (!haveItem || actAt <= itemAt):
			a := acts[items[w.next].Action]
			w.next++
			w.waitUntil(actAt)
			w.onTime(actAt, "action "+strings.Join(a.Kinds(), "+"))
			w.do(a)
		case haveItem && itemAt <= until:
			w.waitUntil(itemAt)
			w.onTime(itemAt, "a fault firing or end")
			w.agenda.pop()()
		default:
			w.waitUntil(until)
			return
		}
	}
}

// maxLate is how late the world may run anything it scheduled: nothing. Virtual time does
// not pass while the main goroutine can run, so an item is late only if something before
// it on the main goroutine waited (a join, an agent's shutdown): a bug of the world, since
// the schedule would then not be the scenario's.
const maxLate = 0

// onTime records that the world runs what was due at virtual time due, now, and fails the
// run (a harness failure) if it is late.
func (w *World) onTime(due time.Duration, what string) {
	w.due = due
	if late := w.emit.now() - due; late > maxLate {
		panic(fmt.Sprintf("world: %s due at %s ran %s late: something held up the schedule (seed %d)", what, due, late, w.spec.Seed))
	}
}

// waitUntil sleeps until virtual time t, applying completions of asynchronous actions
// and node lifecycles (lifecycle.go) as they come.
func (w *World) waitUntil(t time.Duration) {
	for {
		d := t - w.emit.now()
		if d <= 0 {
			return
		}
		timer := time.NewTimer(d)
		select {
		case f := <-w.done:
			timer.Stop()
			f()
		case <-timer.C:
			return
		}
	}
}

// drainDone applies the completions of asynchronous actions that are ready, without
// waiting.
func (w *World) drainDone() {
	for {
		select {
		case f := <-w.done:
			f()
		default:
			return
		}
	}
}

// node returns the node called name; the scenario was validated, so it exists.
func (w *World) node(name string) *simNode {
	for _, n := range w.nodes {
		if n.name == name {
			return n
		}
	}
	panic("world: no node " + name + " (the scenario was validated)")
}

// do runs one action. A node that is not running (it is still leaving, say) is recorded
// as the reason the action did nothing.
func (w *World) do(a scenarios.Action) {
	const notRunning = "not running"
	switch {
	case a.Event != nil:
		e := a.Event
		n := w.node(e.From)
		if n.agent == nil {
			w.emit.emit(event.Event{Type: event.UserEventFired, Node: n.name, Name: e.Name, Size: len(e.Name) + len(e.Payload), Reason: notRunning})
			return
		}
		// The Serf layer records the event (user_event_fired), refused or not.
		n.agent.FireEvent(e.Name, []byte(e.Payload), serf.EventOptions{Coalesce: e.Coalesce, Filter: e.To.Filter()})
	case a.Query != nil:
		q := a.Query
		n := w.node(q.From)
		if n.agent == nil {
			w.emit.emit(event.Event{Type: event.Query, Node: n.name, Name: q.Name, Size: len(q.Name) + len(q.Payload), Reason: notRunning})
			return
		}
		// Acks, answers and the end are recorded by the Serf layer as they come; the
		// response's channels are buffered and need no reader.
		n.agent.Query(q.Name, []byte(q.Payload), &serf.QueryParams{
			Filter: q.To.Filter(), RequestAck: q.Ack, RelayFactor: uint8(q.Relay), Timeout: q.Timeout.D(),
		})
	case a.Tags != nil:
		w.setTags(a.Tags)
	case a.Check != nil:
		w.checkAction(a.Check)
	case a.Leave != "":
		w.leave(w.node(a.Leave), nil)
	case a.Fail != "":
		w.crash(w.node(a.Fail), nil)
	case a.Join != nil:
		w.joinAction(a.Join)
	case a.ForceLeave != nil:
		f := a.ForceLeave
		n := w.node(f.From)
		ev := event.Event{Type: event.ForceLeave, Node: n.name, Member: f.Member, Prune: f.Prune}
		if n.agent == nil {
			ev.Reason = notRunning
			w.emit.emit(ev)
			return
		}
		agent := n.agent
		go func() {
			if err := agent.ForceLeave(f.Member, f.Prune); err != nil {
				ev.Reason = err.Error()
			}
			w.emit.emit(ev)
		}()
	}
}

// setTags applies a tags action: the new set is recorded at once, and gossiped by a
// goroutine (SetTags waits for the broadcast).
func (w *World) setTags(t *scenarios.TagsAction) {
	n := w.node(t.Node)
	if n.agent == nil {
		w.emit.emit(event.Event{Type: event.TagsSet, Node: n.name, Reason: "not running"})
		return
	}
	tags := n.agent.Tags()
	maps.Copy(tags, t.Set)
	for _, k := range t.Delete {
		delete(tags, k)
	}
	w.emit.emit(event.Event{Type: event.TagsSet, Node: n.name, Tags: tags})
	agent := n.agent
	go func() {
		if err := agent.SetTags(tags); err != nil {
			w.emit.emit(event.Event{Type: event.TagsSet, Node: n.name, Tags: tags, Reason: err.Error()})
		}
	}()
}

// joinAction has a node join through another one (a node name or an ip:port). A node
// that is down (it left or failed) is started again first, on the same disk.
func (w *World) joinAction(j *scenarios.JoinAction) {
	n := w.node(j.Node)
	addr := j.Via
	for _, v := range w.nodes {
		if v.name == j.Via {
			addr = v.gossipAddr()
		}
	}
	if n.agent == nil {
		w.restart(n, addr, nil)
		return
	}
	w.joinInBackground(n, addr)
}
