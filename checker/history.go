package checker

import (
	"fmt"
	"time"

	"github.com/consim/consim/event"
)

// Op is one workload operation, paired from its op_call and op_return events: the
// history that linearizability checks and latency reports read.
type Op struct {
	// From op_call.
	ID       string
	Client   string
	Kind     string // event.OpGet, OpPut, OpCAS, OpDelete
	Key      string
	Value    string // written (put, cas)
	CASIndex uint64 // cas: the ModifyIndex required (0: create-only)
	Mode     string // get: default, consistent, stale
	Via      string
	ViaRole  string
	Call     event.Time

	// From op_return; Returned is false for an operation still in flight when the run
	// ended, whose outcome is unknown and whose return time is open-ended.
	Returned    bool
	Return      event.Time
	Status      string // event.StatusOK, StatusFail, StatusUnknown; "" if not returned
	Code        int
	Found       bool   // get: the key existed
	Read        string // get: the value read
	ModifyIndex uint64 // get: the entry's ModifyIndex
	Index       uint64 // X-Consul-Index
	KnownLeader *bool
	LastContact *time.Duration
	Consistency string
	Error       string
}

// Latency is the virtual time from call to return (0 for an operation that did not
// return).
func (o *Op) Latency() time.Duration {
	if !o.Returned {
		return 0
	}
	return o.Return.D() - o.Call.D()
}

// Answered says whether the agent gave a definite answer: ok or fail.
func (o *Op) Answered() bool {
	return o.Status == event.StatusOK || o.Status == event.StatusFail
}

// History pairs the workload events of a stream into operations, in the order they
// were called. The error describes the first event that breaks the pairing (an op_return
// with no op_call, an op id called or returned twice): a broken stream is a harness bug,
// and the operations returned are then those paired up to it.
func History(events []event.Event) ([]Op, error) {
	var ops []Op
	index := map[string]int{}
	for _, ev := range events {
		switch ev.Type {
		case event.OpCall:
			if ev.OpID == "" {
				return ops, fmt.Errorf("checker: op_call at %s s has no op_id", ev.T)
			}
			if i, dup := index[ev.OpID]; dup {
				return ops, fmt.Errorf("checker: op %s called twice, at %s s and %s s", ev.OpID, ops[i].Call, ev.T)
			}
			op := Op{ID: ev.OpID, Client: ev.Client, Kind: ev.Op, Key: ev.Key, Value: ev.Value,
				Mode: ev.Mode, Via: ev.Via, ViaRole: ev.ViaRole, Call: ev.T}
			if ev.CASIndex != nil {
				op.CASIndex = *ev.CASIndex
			}
			index[ev.OpID] = len(ops)
			ops = append(ops, op)
		case event.OpReturn:
			i, ok := index[ev.OpID]
			if !ok {
				return ops, fmt.Errorf("checker: op_return of %q at %s s has no op_call before it", ev.OpID, ev.T)
			}
			op := &ops[i]
			if op.Returned {
				return ops, fmt.Errorf("checker: op %s returned twice, at %s s and %s s", ev.OpID, op.Return, ev.T)
			}
			if ev.T < op.Call {
				return ops, fmt.Errorf("checker: op %s returned at %s s, before its call at %s s", ev.OpID, ev.T, op.Call)
			}
			op.Returned, op.Return, op.Status, op.Code = true, ev.T, ev.Status, ev.Code
			op.Found = ev.Found != nil && *ev.Found
			op.Read, op.ModifyIndex, op.Index = ev.Value, ev.ModifyIndex, ev.Index
			op.KnownLeader, op.Consistency, op.Error = ev.KnownLeader, ev.Consistency, ev.Error
			if ev.LastContactMS != nil {
				d := time.Duration(*ev.LastContactMS) * time.Millisecond
				op.LastContact = &d
			}
		}
	}
	return ops, nil
}
