package world

import (
	"fmt"

	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// Final reads: after the liveness phase, a client of its own reads every workload key
// once in consistent mode through the leader, so the lost-writes checker can compare
// what the cluster ends with against every acknowledged write.
const (
	finalClient   = event.FinalClient
	finalAddr     = "127.0.8.1"
	finalAttempts = 3 // a read that fails or times out is tried again, as a new op
)

// finalReads makes the final reads, if the scenario has a workload. They are ordinary
// op_call/op_return events of client "final".
func (w *World) finalReads() error {
	cfg := w.spec.Scenario.Workload
	if cfg == nil {
		return nil
	}
	h, err := w.net.AddHost(finalClient, finalAddr)
	if err != nil {
		return fmt.Errorf("world: final reads: %w", err)
	}
	hc := newHTTPClient(h, 1)
	r := subRand(w.spec.Seed, "final-reads")
	seq := 0
	for k := range cfg.Keys {
		for range finalAttempts {
			seq++
			op := &kvOp{id: fmt.Sprintf("%s-%d", finalClient, seq), kind: event.OpGet,
				key: fmt.Sprintf("k%d", k), mode: scenarios.ModeConsistent}
			op.via, op.role = w.resolveVia(scenarios.ViaLeader, r)
			w.emit.emit(op.callEvent(finalClient))
			ret, _, _ := op.do(hc, cfg.Timeout.D())
			ret.Client, ret.OpID = finalClient, op.id
			w.emit.emit(ret)
			if ret.Status == event.StatusOK {
				break
			}
		}
	}
	return nil
}
