package node

import (
	"strings"
	"testing"

	"github.com/consim/consim/diskmodel"
	"github.com/consim/consim/node/serf"
)

// The gossip clocks live on the disk beside raft's state and survive a crash of it; a
// disk that never held them reads as zero clocks, and a value that is not three clocks is
// an error, not a silent reset.
func TestGossipClocksSurviveADiskCrash(t *testing.T) {
	d := diskmodel.New(diskmodel.Config{})
	st := clockStore(d.StableStore())
	if got, err := st.LoadClocks(); err != nil || got != (serf.Clocks{}) {
		t.Fatalf("fresh disk: %v, %v; want zero clocks", got, err)
	}
	want := serf.Clocks{Member: 7, Event: 3, Query: 1 << 40}
	if err := st.SaveClocks(want); err != nil {
		t.Fatal(err)
	}
	if err := d.StableStore().SetUint64([]byte("CurrentTerm"), 9); err != nil { // raft's key
		t.Fatal(err)
	}
	d.Crash()
	if _, err := st.LoadClocks(); err == nil {
		t.Error("a handle from before the crash still reads")
	}
	if got, err := clockStore(d.StableStore()).LoadClocks(); err != nil || got != want {
		t.Errorf("after the crash: %v, %v; want %v", got, err, want)
	}
	if err := d.StableStore().Set(gossipClocksKey, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := clockStore(d.StableStore()).LoadClocks(); err == nil || !strings.Contains(err.Error(), "3 bytes, want 24") {
		t.Errorf("three bytes under the key: %v; want an error saying so", err)
	}
	if clockStore(nil) != nil {
		t.Error("no store: want no ClockStore (the agent keeps nothing)")
	}
}
