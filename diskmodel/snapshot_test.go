package diskmodel

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
)

var testConfig = raft.Configuration{Servers: []raft.Server{
	{Suffrage: raft.Voter, ID: "n1", Address: "n1"},
	{Suffrage: raft.Voter, ID: "n2", Address: "n2"},
}}

// takeSnapshot writes and closes a snapshot whose contents name its term and index.
func takeSnapshot(t *testing.T, s raft.SnapshotStore, term, index uint64) string {
	t.Helper()
	sink, err := s.Create(1, index, term, testConfig, 1, nil)
	mustNil(t, "Create", err)
	_, err = fmt.Fprintf(sink, "state@%d/%d", term, index)
	mustNil(t, "Write", err)
	mustNil(t, "Close", sink.Close())
	return sink.ID()
}

// listed returns "term/index" of each listed snapshot, in List order.
func listed(t *testing.T, s raft.SnapshotStore) []string {
	t.Helper()
	metas, err := s.List()
	mustNil(t, "List", err)
	var got []string
	for _, m := range metas {
		got = append(got, fmt.Sprintf("%d/%d", m.Term, m.Index))
	}
	return got
}

func readSnapshot(t *testing.T, s raft.SnapshotStore, id string) (*raft.SnapshotMeta, string) {
	t.Helper()
	meta, rc, err := s.Open(id)
	mustNil(t, "Open "+id, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	mustNil(t, "read "+id, err)
	return meta, string(b)
}

func TestSnapshotRoundTrip(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{WriteLatency: time.Millisecond}).SnapshotStore()
		if got, err := s.List(); err != nil || got == nil || len(got) != 0 {
			t.Errorf("List of an empty store = %v, %v; want an empty slice", got, err)
		}
		id := takeSnapshot(t, s, 2, 10)
		meta, data := readSnapshot(t, s, id)
		if data != "state@2/10" {
			t.Errorf("contents %q", data)
		}
		if meta.ID != id || meta.Version != 1 || meta.Term != 2 || meta.Index != 10 ||
			meta.ConfigurationIndex != 1 || meta.Size != int64(len(data)) || len(meta.Configuration.Servers) != 2 {
			t.Errorf("meta %+v", meta)
		}
		meta.Configuration.Servers[0].ID = "changed" // callers get copies
		if again, _ := readSnapshot(t, s, id); again.Configuration.Servers[0].ID != "n1" {
			t.Errorf("a caller's change reached the stored meta")
		}
		if _, err := s.Create(0, 1, 1, testConfig, 1, nil); err == nil {
			t.Errorf("Create of a version 0 snapshot succeeded")
		}
	})
}

func TestSnapshotListOrderAndRetention(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{WriteLatency: time.Millisecond, SnapshotRetain: 3})
		s := d.SnapshotStore()
		// Written out of order: List sorts by term, then index, newest first.
		ids := map[string]string{}
		for _, ti := range [][2]uint64{{2, 5}, {1, 10}, {2, 3}} {
			ids[fmt.Sprintf("%d/%d", ti[0], ti[1])] = takeSnapshot(t, s, ti[0], ti[1])
		}
		if got, want := listed(t, s), []string{"2/5", "2/3", "1/10"}; !slices.Equal(got, want) {
			t.Errorf("List = %v, want %v", got, want)
		}

		// A reader opened before its snapshot is reaped keeps reading.
		_, rc, err := s.Open(ids["1/10"])
		mustNil(t, "Open", err)
		takeSnapshot(t, s, 3, 20)
		takeSnapshot(t, s, 3, 25)
		if got, want := listed(t, s), []string{"3/25", "3/20", "2/5"}; !slices.Equal(got, want) {
			t.Errorf("after two more, List = %v, want %v", got, want)
		}
		if b, err := io.ReadAll(rc); err != nil || string(b) != "state@1/10" {
			t.Errorf("reader of a reaped snapshot: %q, %v", b, err)
		}
		for _, gone := range []string{"1/10", "2/3"} {
			if _, _, err := s.Open(ids[gone]); !errors.Is(err, ErrSnapshotNotFound) {
				t.Errorf("Open of reaped snapshot %s: %v, want ErrSnapshotNotFound", gone, err)
			}
		}
		if got := d.Stats().SnapshotsReaped; got != 2 {
			t.Errorf("snapshots reaped = %d, want 2", got)
		}

		// Retention survives a crash: the durable state was reaped too.
		d.Crash()
		if got, want := listed(t, d.SnapshotStore()), []string{"3/25", "3/20", "2/5"}; !slices.Equal(got, want) {
			t.Errorf("after crash, List = %v, want %v", got, want)
		}
	})
}

func TestSnapshotIDsAreUnique(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{SnapshotRetain: 5}).SnapshotStore()
		a := takeSnapshot(t, s, 1, 1) // same term, index and millisecond
		b := takeSnapshot(t, s, 1, 1)
		if a == b {
			t.Fatalf("two snapshots share ID %s", a)
		}
		if want := fmt.Sprintf("1-1-%d", time.Now().UnixMilli()); a != want || b != want+"-2" {
			t.Errorf("IDs %s, %s; want %s and %s-2", a, b, want, want)
		}
		if got := listed(t, s); len(got) != 2 {
			t.Errorf("List = %v, want both", got)
		}
	})
}

func TestSnapshotCancelAndInProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{WriteLatency: time.Millisecond}).SnapshotStore()
		sink, err := s.Create(1, 7, 1, testConfig, 1, nil)
		mustNil(t, "Create", err)
		sink.Write([]byte("partial"))
		if _, _, err := s.Open(sink.ID()); !errors.Is(err, ErrSnapshotNotFound) {
			t.Errorf("Open of a snapshot being written: %v, want ErrSnapshotNotFound", err)
		}
		if got := listed(t, s); len(got) != 0 {
			t.Errorf("a snapshot being written is listed: %v", got)
		}
		mustNil(t, "Cancel", sink.Cancel())
		mustNil(t, "Close after Cancel", sink.Close())
		if _, err := sink.Write([]byte("more")); err == nil {
			t.Errorf("Write after Cancel succeeded")
		}
		if got := listed(t, s); len(got) != 0 {
			t.Errorf("a canceled snapshot is listed: %v", got)
		}
	})
}

func TestCrashMidSnapshotLeavesNoPartialSnapshot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{WriteLatency: 5 * time.Millisecond})
		s := d.SnapshotStore()
		kept := takeSnapshot(t, s, 1, 5)

		// One sink still being written, one whose Close is waiting for its fsync.
		writing, err := s.Create(1, 8, 1, testConfig, 1, nil)
		mustNil(t, "Create", err)
		writing.Write([]byte("half a sna"))
		closing, err := s.Create(1, 9, 1, testConfig, 1, nil)
		mustNil(t, "Create", err)
		closing.Write([]byte("whole snapshot"))
		closed := make(chan error, 1)
		go func() { closed <- closing.Close() }()
		time.Sleep(2 * time.Millisecond)

		d.Crash()
		mustCrashed(t, "Close in flight", <-closed)
		mustCrashed(t, "Close again", closing.Close()) // a repeated Close does not turn into success
		_, err = writing.Write([]byte("pshot"))
		mustCrashed(t, "sink Write", err)
		mustCrashed(t, "sink Close", writing.Close())

		s = d.SnapshotStore()
		for _, id := range []string{writing.ID(), closing.ID()} {
			if _, _, err := s.Open(id); !errors.Is(err, ErrSnapshotNotFound) {
				t.Errorf("Open of snapshot %s lost in the crash: %v, want ErrSnapshotNotFound", id, err)
			}
		}
		if got := listed(t, s); !slices.Equal(got, []string{"1/5"}) {
			t.Errorf("after crash List = %v, want only 1/5", got)
		}
		if _, data := readSnapshot(t, s, kept); data != "state@1/5" {
			t.Errorf("kept snapshot reads %q", data)
		}
		st := d.Stats()
		if st.SnapshotsAbandoned != 1 || st.LostInFlight != 1 || st.LostBytes != uint64(len("whole snapshot")) {
			t.Errorf("stats: %v; want snapshots_abandoned=1 lost_in_flight=1 lost_bytes=14", st)
		}
	})
}

func TestSnapshotUnderFsyncLies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{WriteLatency: 5 * time.Millisecond})
		d.SetFsyncLies(true)
		s := d.SnapshotStore()
		id := takeSnapshot(t, s, 1, 5)
		if _, data := readSnapshot(t, s, id); data != "state@1/5" {
			t.Errorf("lied snapshot reads %q before the crash", data)
		}
		d.Crash()
		if _, _, err := d.SnapshotStore().Open(id); !errors.Is(err, ErrSnapshotNotFound) {
			t.Errorf("unflushed snapshot survived the crash: %v", err)
		}
	})
}
