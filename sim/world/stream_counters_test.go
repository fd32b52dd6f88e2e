package world

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
)

// fillDistinct sets every uint64 field of the struct v points to a different value.
func fillDistinct(v any) {
	s := reflect.ValueOf(v).Elem()
	for i := range s.NumField() {
		s.Field(i).SetUint(uint64(i + 1))
	}
}

// The stream carries the network's counters and each fault's effect on traffic under the
// same names as netmodel counts them: every field is copied, none is lost or mixed up. (A
// counter added to netmodel but not to the stream fails here.)
func TestStreamCountersCopyEveryField(t *testing.T) {
	var s netmodel.Stats
	fillDistinct(&s)
	want, _ := json.Marshal(s)
	got, _ := json.Marshal(streamNet(s))
	if string(got) != string(want) {
		t.Errorf("event.Net from netmodel.Stats:\n got %s\nwant %s", got, want)
	}

	var tr netmodel.Traffic
	fillDistinct(&tr)
	var e event.Effect
	addTraffic(&e, tr)
	addTraffic(&e, tr) // adds up
	var back netmodel.Traffic
	b, _ := json.Marshal(e)
	json.Unmarshal(b, &back)
	tr.Add(tr)
	if back != tr || e.NodesAffected != 0 || e.DiskWrites != 0 {
		t.Errorf("event.Effect from two netmodel.Traffic: %+v, want the traffic doubled (%+v) and nothing else", e, tr)
	}
}
