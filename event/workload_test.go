package event

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// Workload events round-trip through their JSON lines, and the zero values that carry
// meaning (a cas on index 0, a key not found, a last contact of 0 ms) are written.
func TestWorkloadEventJSON(t *testing.T) {
	zero, no, yes := uint64(0), false, true
	var contact int64
	for _, tc := range []struct {
		ev   Event
		line string
	}{
		{
			Event{T: Time(5 * time.Second), Type: OpCall, Client: "c2", OpID: "c2-7", Op: OpCAS, Key: "k1", Value: "c2-7", CASIndex: &zero, Via: "server-3", ViaRole: ViaRoleFollower},
			`{"t":5.000000000,"type":"op_call","client":"c2","op_id":"c2-7","op":"cas","key":"k1","value":"c2-7","cas_index":0,"via":"server-3","via_role":"follower"}`,
		},
		{
			Event{T: Time(5002 * time.Millisecond), Type: OpReturn, Status: StatusOK, Client: "c1", OpID: "c1-1", Op: OpGet, Code: 404, Found: &no, Index: 1, KnownLeader: &yes, LastContactMS: &contact, Consistency: "leader"},
			`{"t":5.002000000,"type":"op_return","status":"ok","client":"c1","op_id":"c1-1","op":"get","code":404,"found":false,"index":1,"known_leader":true,"last_contact_ms":0,"consistency":"leader"}`,
		},
		{
			Event{T: Time(10 * time.Second), Type: OpReturn, Status: StatusUnknown, Client: "c1", OpID: "c1-9", Op: OpPut, Error: "context deadline exceeded"},
			`{"t":10.000000000,"type":"op_return","status":"unknown","client":"c1","op_id":"c1-9","op":"put","error":"context deadline exceeded"}`,
		},
	} {
		b, err := json.Marshal(tc.ev)
		if err != nil || string(b) != tc.line {
			t.Errorf("marshal %s:\n got %s (%v)\nwant %s", tc.ev.Type, b, err, tc.line)
			continue
		}
		var back Event
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, tc.ev) {
			t.Errorf("round trip of %s: got %+v (%v)", b, back, err)
		}
	}
}
