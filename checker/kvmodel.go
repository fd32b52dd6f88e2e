package checker

import (
	"fmt"
	"hash/fnv"
	"sort"
	"sync/atomic"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// The KV model is the sequential specification the linearizability check compares a
// history with: one key of Consul's KV store as the workload uses it. Histories are
// partitioned by key (KVModel's Partition), so a state is one key's state.
//
// Writes carry unique values (the workload writes its op id), so a key's state is just
// whether it exists and its value: two writes never produce the same state.
//
// Check-and-set. Consul's cas compares the key's ModifyIndex, a raft index the history
// does not record for writes. But every value is written by exactly one write, and a
// write creates exactly one entry with one ModifyIndex, so "ModifyIndex == i" is the
// same as "the value is the one whose entry got index i". The workload's cas uses the
// ModifyIndex of its client's last read of the key, and reads do record (value,
// ModifyIndex), so the value a cas expects is known from the history (kvHistory fills
// it in). Index 0 means "only if absent". When the history does not say which value an
// index belongs to (no answered read saw it), the cas is modeled conservatively: a cas
// that succeeded is a plain write of its value, one that failed is dropped. That can
// hide an anomaly but never invent one.

// kvExpect is what a cas requires of the key.
type kvExpect uint8

const (
	expectAbsent  kvExpect = iota // cas index 0: only if the key does not exist
	expectValue                   // the key holds kvInput.ExpectValue
	expectUnknown                 // the history does not say: any state
)

// kvInput is one operation on one key.
type kvInput struct {
	Key         string
	Op          string // event.OpGet, OpPut, OpCAS, OpDelete
	Value       string // put, cas: the value written (unreadValue once reduced: reduce.go)
	Expect      kvExpect
	ExpectValue string // cas with expectValue
	// Shown is the value as the workload wrote it, for people: the model steps on Value.
	Shown string
	// order is what the search needs to know to take the operation in a canonical order
	// (search.go); nil for a history not prepared for it.
	order *searchOrder
}

// kvOutput is what the operation answered.
type kvOutput struct {
	Found bool   // get: the key existed
	Value string // get: the value read
	// OK is a cas's answer: true, it wrote; false, its condition did not hold.
	OK bool
	// Unknown marks a write whose outcome is unknown (timeout, in flight at the end): it
	// may or may not have taken effect. Its return time is open-ended, so the checker may
	// linearize it after everything else, which is the same as its never happening.
	Unknown bool
}

// kvState is one key: absent, or present with a value.
type kvState struct {
	Present bool
	Value   string
}

func (s kvState) String() string {
	switch {
	case !s.Present:
		return "missing"
	case s.Value == unreadValue:
		return "a value no read returned"
	}
	return s.Value
}

// holds says whether a cas with expectation in may apply in state s.
func (in kvInput) holds(s kvState) bool {
	switch in.Expect {
	case expectAbsent:
		return !s.Present
	case expectValue:
		return s.Present && s.Value == in.ExpectValue
	}
	return true
}

// kvStep is the model's step: whether the key in state s can answer in with out, and
// the state after it.
func kvStep(s kvState, in kvInput, out kvOutput) (bool, kvState) {
	written := kvState{Present: true, Value: in.Value}
	switch in.Op {
	case event.OpGet:
		return s.Present == out.Found && (!out.Found || s.Value == out.Value), s
	case event.OpPut:
		return true, written
	case event.OpDelete:
		return true, kvState{}
	case event.OpCAS:
		switch {
		case out.Unknown:
			// It applied if its condition held, or did nothing; if never, it is
			// linearized at the end.
			if in.holds(s) {
				return true, written
			}
			return true, s
		case out.OK:
			return in.holds(s), written
		default:
			// A failed cas is a read: its condition did not hold. kvHistory keeps it only
			// when the expectation is known.
			return in.Expect != expectUnknown && !in.holds(s), s
		}
	}
	panic(fmt.Sprintf("checker: kv model: unknown op %q", in.Op))
}

// KVModel returns the porcupine model of the KV store, partitioned by key. Operations'
// inputs and outputs are the ones kvHistory builds.
func KVModel() porcupine.Model { return searchModel(nil) }

// searchModel is KVModel counting its steps in steps (when not nil): the checker's work,
// which unlike its time is the same on every machine.
func searchModel(steps *atomic.Int64) porcupine.Model {
	return porcupine.Model{
		Partition: partitionByKey,
		Init:      func() any { return searchState{} },
		Step: func(state, input, output any) (bool, any) {
			if steps != nil {
				steps.Add(1)
			}
			return searchStep(state.(searchState), input.(kvInput), output.(kvOutput))
		},
		Equal: func(a, b any) bool { return a.(searchState).kv == b.(searchState).kv },
		Hash: func(state any) uint64 {
			s := state.(searchState).kv
			if !s.Present {
				return 0
			}
			h := fnv.New64a()
			h.Write([]byte(s.Value))
			return h.Sum64() | 1
		},
		DescribeOperation: func(input, output any) string {
			return describeKVOp(input.(kvInput), output.(kvOutput))
		},
		DescribeState: func(state any) string { return state.(searchState).kv.String() },
	}
}

// partitionByKey splits a history into one sub-history per key, in key order.
func partitionByKey(history []porcupine.Operation) [][]porcupine.Operation {
	byKey := map[string][]porcupine.Operation{}
	for _, op := range history {
		k := op.Input.(kvInput).Key
		byKey[k] = append(byKey[k], op)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([][]porcupine.Operation, len(keys))
	for i, k := range keys {
		parts[i] = byKey[k]
	}
	return parts
}

// describeKVOp is an operation as the explanations and porcupine's visualization show it:
// "get k2 = c3-17", "cas k2 := c1-4 if c1-2: false", "put k2 := c1-9 (outcome unknown)".
func describeKVOp(in kvInput, out kvOutput) string {
	var s string
	switch in.Op {
	case event.OpGet:
		got := "missing"
		if out.Found {
			got = out.Value
		}
		return fmt.Sprintf("get %s = %s", in.Key, got)
	case event.OpPut:
		s = fmt.Sprintf("put %s := %s", in.Key, in.Shown)
	case event.OpDelete:
		s = fmt.Sprintf("delete %s", in.Key)
	case event.OpCAS:
		cond := "any value (index not seen by a read)"
		switch in.Expect {
		case expectAbsent:
			cond = "missing"
		case expectValue:
			cond = in.ExpectValue
		}
		s = fmt.Sprintf("cas %s := %s if %s", in.Key, in.Shown, cond)
		if !out.Unknown {
			s += fmt.Sprintf(": %t", out.OK)
		}
	}
	if out.Unknown {
		s += " (outcome unknown)"
	}
	return s
}
