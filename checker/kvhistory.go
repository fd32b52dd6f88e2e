package checker

import (
	"math"
	"net/http"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// openEnded is the return time of an operation whose outcome is unknown: after
// everything, so the checker may place it anywhere after its call, or at the very end,
// which is the same as its never having happened.
const openEnded = math.MaxInt64

// kvHistory converts the workload's operations into the porcupine history that judges
// read mode mode: every write, and the reads of that mode. Times are virtual nanoseconds.
// Each operation's Metadata is its index in ops. The rules:
//
//   - put, cas, delete with status ok: kept, with their call and return times;
//   - a write with status unknown, or still in flight at the end: kept with an open-ended
//     return time and an Unknown output (it may or may not have taken effect);
//   - a cas that answered false (code 200, "cas index did not match"): kept as a read
//     that its condition did not hold, when the history says which value its index
//     belongs to (see kvmodel.go); dropped otherwise;
//   - any other failed write (a 4xx): dropped, it had no effect and says nothing about
//     the key;
//   - a get of this mode with status ok: kept; with fail or unknown: dropped, it saw
//     nothing usable. Gets of other modes are left out.
//
// reads and writes count the operations kept.
func kvHistory(ops []Op, mode string) (hist []porcupine.Operation, reads, writes int) {
	indexes := casIndexValues(ops)
	clients := map[string]int{}
	for i := range ops {
		op := &ops[i]
		if op.Kind == event.OpGet && op.Mode != mode {
			continue
		}
		in := kvInput{Key: op.Key, Op: op.Kind, Value: op.Value, Shown: op.Value}
		if op.Kind == event.OpCAS {
			in.Expect = expectAbsent
			if op.CASIndex != 0 {
				in.Expect = expectUnknown
				if v, ok := indexes[op.CASIndex]; ok {
					in.Expect, in.ExpectValue = expectValue, v
				}
			}
		}
		var out kvOutput
		ret := int64(op.Return)
		switch {
		case op.Kind == event.OpGet:
			if op.Status != event.StatusOK {
				continue
			}
			out.Found, out.Value = op.Found, op.Read
		case !op.Returned || op.Status == event.StatusUnknown:
			out.Unknown, ret = true, openEnded
		case op.Status == event.StatusOK:
			out.OK = true
		case op.Kind == event.OpCAS && op.Code == http.StatusOK && in.Expect != expectUnknown:
			out.OK = false // answered false: a read of the condition
		default:
			continue // a failed write that says nothing
		}
		if op.Kind == event.OpGet {
			reads++
		} else {
			writes++
		}
		id, ok := clients[op.Client]
		if !ok {
			id = len(clients)
			clients[op.Client] = id
		}
		hist = append(hist, porcupine.Operation{ClientId: id, Input: in, Output: out,
			Call: int64(op.Call), Return: ret, Metadata: i})
	}
	return hist, reads, writes
}

// casIndexValues maps a ModifyIndex to the value of the entry that had it, from every
// answered get of any mode (a stale read still reports a true pair). An index or value
// seen with two partners is left out: the conservative cas model then applies.
func casIndexValues(ops []Op) map[uint64]string {
	byIndex := map[uint64]string{}
	byValue := map[string]uint64{}
	bad := map[uint64]bool{}
	for i := range ops {
		op := &ops[i]
		if op.Kind != event.OpGet || op.Status != event.StatusOK || !op.Found || op.ModifyIndex == 0 {
			continue
		}
		if v, ok := byIndex[op.ModifyIndex]; ok && v != op.Read {
			bad[op.ModifyIndex] = true
		}
		if x, ok := byValue[op.Read]; ok && x != op.ModifyIndex {
			bad[x], bad[op.ModifyIndex] = true, true
		}
		byIndex[op.ModifyIndex], byValue[op.Read] = op.Read, op.ModifyIndex
	}
	for x := range bad {
		delete(byIndex, x)
	}
	return byIndex
}
