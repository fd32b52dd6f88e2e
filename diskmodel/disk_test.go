package diskmodel

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
)

func TestWritesCostOneLatencyReadsAreFree(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lat = 2 * time.Millisecond
		d := New(Config{WriteLatency: lat})
		logs, stable, snaps := d.LogStore(), d.StableStore(), d.SnapshotStore()

		writes := []struct {
			name string
			f    func() error
		}{
			{"StoreLog", func() error { return logs.StoreLog(entry(1)) }},
			{"StoreLogs of 10", func() error { return logs.StoreLogs(entries(2, 11)) }},
			{"DeleteRange", func() error { return logs.DeleteRange(1, 3) }},
			{"Set", func() error { return stable.Set([]byte("k"), []byte("v")) }},
			{"SetUint64", func() error { return stable.SetUint64([]byte("n"), 7) }},
		}
		for _, w := range writes {
			var err error
			if got := timed(func() { err = w.f() }); got != lat {
				t.Errorf("%s took %v, want %v", w.name, got, lat)
			}
			mustNil(t, w.name, err)
		}

		var sink raft.SnapshotSink
		if got := timed(func() {
			var err error
			sink, err = snaps.Create(1, 11, 1, raft.Configuration{}, 1, nil)
			mustNil(t, "Create", err)
			_, err = sink.Write([]byte("state"))
			mustNil(t, "sink Write", err)
		}); got != 0 {
			t.Errorf("Create and Write took %v, want 0", got)
		}
		if got := timed(func() { mustNil(t, "sink Close", sink.Close()) }); got != lat {
			t.Errorf("sink Close took %v, want %v", got, lat)
		}

		if got := timed(func() {
			var l raft.Log
			mustNil(t, "GetLog", logs.GetLog(5, &l))
			_, err := logs.FirstIndex()
			mustNil(t, "FirstIndex", err)
			_, err = logs.LastIndex()
			mustNil(t, "LastIndex", err)
			_, err = stable.Get([]byte("k"))
			mustNil(t, "Get", err)
			_, err = stable.GetUint64([]byte("n"))
			mustNil(t, "GetUint64", err)
			_, err = snaps.List()
			mustNil(t, "List", err)
			_, rc, err := snaps.Open(sink.ID())
			mustNil(t, "Open", err)
			rc.Close()
		}); got != 0 {
			t.Errorf("reads took %v, want 0", got)
		}

		d.SetWriteLatency(5 * time.Millisecond)
		if got := timed(func() { mustNil(t, "StoreLog", logs.StoreLog(entry(12))) }); got != 5*time.Millisecond {
			t.Errorf("StoreLog after SetWriteLatency(5ms) took %v, want 5ms", got)
		}
		d.SetWriteLatency(0)
		if got := timed(func() { mustNil(t, "StoreLog", logs.StoreLog(entry(13))) }); got != 0 {
			t.Errorf("StoreLog at latency 0 took %v, want 0", got)
		}

		s := d.Stats()
		if s.Writes != 8 || s.Syncs != 8 || s.Reads != 4 {
			t.Errorf("stats: %v; want writes=8 syncs=8 reads=4", s)
		}
	})
}

func TestConcurrentWritesOverlap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The disk models fsync latency, not a queue: independent writers wait side by side.
		d := New(Config{WriteLatency: 3 * time.Millisecond})
		logs, stable := d.LogStore(), d.StableStore()
		elapsed := timed(func() {
			done := make(chan error)
			go func() { done <- logs.StoreLog(entry(1)) }()
			go func() { done <- stable.SetUint64([]byte("term"), 1) }()
			mustNil(t, "write", <-done)
			mustNil(t, "write", <-done)
		})
		if elapsed != 3*time.Millisecond {
			t.Errorf("two concurrent writes took %v, want 3ms", elapsed)
		}
	})
}

func TestCrashKeepsAcknowledgedWritesAndClosesHandles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{WriteLatency: time.Millisecond})
		logs, stable, snaps := d.LogStore(), d.StableStore(), d.SnapshotStore()
		mustNil(t, "StoreLogs", logs.StoreLogs(entries(1, 5)))
		mustNil(t, "SetUint64", stable.SetUint64([]byte("CurrentTerm"), 3))
		sink, err := snaps.Create(1, 5, 3, raft.Configuration{}, 1, nil)
		mustNil(t, "Create", err)
		sink.Write([]byte("fsm"))
		mustNil(t, "Close", sink.Close())
		_, rc, err := snaps.Open(sink.ID())
		mustNil(t, "Open", err)

		d.Crash()

		var l raft.Log
		_, err = logs.FirstIndex()
		mustCrashed(t, "FirstIndex", err)
		_, err = logs.LastIndex()
		mustCrashed(t, "LastIndex", err)
		mustCrashed(t, "GetLog", logs.GetLog(1, &l))
		mustCrashed(t, "StoreLog", logs.StoreLog(entry(6)))
		mustCrashed(t, "DeleteRange", logs.DeleteRange(1, 1))
		mustCrashed(t, "Set", stable.Set([]byte("a"), []byte("b")))
		_, err = stable.Get([]byte("CurrentTerm"))
		mustCrashed(t, "Get", err)
		_, err = stable.GetUint64([]byte("CurrentTerm"))
		mustCrashed(t, "GetUint64", err)
		_, err = snaps.List()
		mustCrashed(t, "List", err)
		_, _, err = snaps.Open(sink.ID())
		mustCrashed(t, "Open", err)
		_, err = snaps.Create(1, 6, 3, raft.Configuration{}, 1, nil)
		mustCrashed(t, "Create", err)
		_, err = rc.Read(make([]byte, 8))
		mustCrashed(t, "snapshot reader Read", err)
		if !strings.Contains(ErrCrashed.Error(), "handle closed by crash") {
			t.Errorf("ErrCrashed reads %q", ErrCrashed)
		}

		logs, stable, snaps = d.LogStore(), d.StableStore(), d.SnapshotStore()
		if got := indexes(t, logs); !slices.Equal(got, []uint64{1, 2, 3, 4, 5}) {
			t.Errorf("after crash the log holds %v, want 1..5", got)
		}
		if term, err := stable.GetUint64([]byte("CurrentTerm")); err != nil || term != 3 {
			t.Errorf("after crash CurrentTerm = %d, %v; want 3", term, err)
		}
		list, err := snaps.List()
		mustNil(t, "List", err)
		if len(list) != 1 || list[0].ID != sink.ID() {
			t.Errorf("after crash List = %v, want the one snapshot", list)
		}
		// Fresh handles write again.
		mustNil(t, "StoreLog", logs.StoreLog(entry(6)))
		if s := d.Stats(); s.Crashes != 1 || s.StaleCalls != 12 || s.LostInFlight != 0 {
			t.Errorf("stats: %v; want crashes=1 stale_calls=12 lost_in_flight=0", s)
		}
	})
}

func TestCrashLosesWriteInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{WriteLatency: 10 * time.Millisecond})
		logs, stable := d.LogStore(), d.StableStore()
		mustNil(t, "StoreLogs", logs.StoreLogs(entries(1, 3)))

		type result struct {
			err error
			at  time.Duration
		}
		start := time.Now()
		res := make(chan result, 2)
		go func() {
			err := logs.StoreLogs(entries(4, 6))
			res <- result{err, time.Since(start)}
		}()
		go func() {
			err := stable.Set([]byte("LastVoteCand"), []byte("n2"))
			res <- result{err, time.Since(start)}
		}()
		time.Sleep(4 * time.Millisecond)
		synctest.Wait()
		if s := d.Stats(); s.InFlight != 2 {
			t.Fatalf("in flight before crash = %d, want 2", s.InFlight)
		}
		d.Crash()
		for range 2 {
			r := <-res
			mustCrashed(t, "write in flight", r.err)
			if r.at != 4*time.Millisecond {
				t.Errorf("write in flight returned at %v, want at the crash (4ms)", r.at)
			}
		}

		logs, stable = d.LogStore(), d.StableStore()
		if got := indexes(t, logs); !slices.Equal(got, []uint64{1, 2, 3}) {
			t.Errorf("after crash the log holds %v, want 1..3", got)
		}
		if _, err := stable.Get([]byte("LastVoteCand")); !errors.Is(err, ErrKeyNotFound) {
			t.Errorf("lost Set is readable after crash: err %v", err)
		}
		// Waiting past the old deadline changes nothing: the lost writes never land.
		time.Sleep(20 * time.Millisecond)
		if got := indexes(t, logs); !slices.Equal(got, []uint64{1, 2, 3}) {
			t.Errorf("later the log holds %v, want 1..3", got)
		}
		s := d.Stats()
		if s.LostInFlight != 2 || s.InFlight != 0 || s.LostBytes != uint64(3*len("entry-4")+len("LastVoteCand")+2) {
			t.Errorf("stats: %v; want lost_in_flight=2 in_flight=0 lost_bytes=%d", s, 3*len("entry-4")+len("LastVoteCand")+2)
		}
	})
}

func TestCrashAtTheFsyncInstant(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A crash at the very instant a write's fsync ends may come before or after it (the
		// scheduler decides). Either way a write is acknowledged if and only if it survives,
		// and counted as lost if and only if it does not.
		const lat = time.Millisecond
		d := New(Config{WriteLatency: lat})
		for i := uint64(1); i <= 50; i++ {
			logs := d.LogStore()
			before := d.Stats()
			res := make(chan error, 1)
			go func() { res <- logs.StoreLog(entry(i)) }()
			time.Sleep(lat)
			d.Crash()
			err := <-res
			var l raft.Log
			survived := d.LogStore().GetLog(i, &l) == nil
			after := d.Stats()
			lost := after.LostInFlight - before.LostInFlight
			switch {
			case err == nil && (!survived || lost != 0):
				t.Fatalf("write %d acknowledged: survived=%v lost=%d", i, survived, lost)
			case err != nil && (!errors.Is(err, ErrCrashed) || survived || lost != 1):
				t.Fatalf("write %d failed with %v: survived=%v lost=%d", i, err, survived, lost)
			case after.InFlight != 0:
				t.Fatalf("write %d: %d writes still in flight", i, after.InFlight)
			}
			checkInvariants(t, d)
		}
	})
}

func TestFsyncLiesLoseUnflushedWritesAtCrash(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lat = 10 * time.Millisecond
		d := New(Config{WriteLatency: lat})
		d.SetFsyncLies(true)
		logs, stable := d.LogStore(), d.StableStore()

		// Acknowledged at once and readable at once.
		if got := timed(func() { mustNil(t, "StoreLogs", logs.StoreLogs(entries(1, 2))) }); got != 0 {
			t.Errorf("lied StoreLogs took %v, want 0", got)
		}
		time.Sleep(4 * time.Millisecond)
		mustNil(t, "StoreLog", logs.StoreLog(entry(3))) // due at 14ms
		mustNil(t, "SetUint64", stable.SetUint64([]byte("CurrentTerm"), 2))
		if got := indexes(t, logs); !slices.Equal(got, []uint64{1, 2, 3}) {
			t.Errorf("before crash the log reads %v, want 1..3", got)
		}
		if s := d.Stats(); s.Unflushed != 3 {
			t.Errorf("unflushed = %d, want 3", s.Unflushed)
		}

		// At 12ms the first write is durable, the two later ones are not.
		time.Sleep(8 * time.Millisecond)
		d.Crash()
		logs, stable = d.LogStore(), d.StableStore()
		if got := indexes(t, logs); !slices.Equal(got, []uint64{1, 2}) {
			t.Errorf("after crash the log holds %v, want 1..2", got)
		}
		if _, err := stable.GetUint64([]byte("CurrentTerm")); !errors.Is(err, ErrKeyNotFound) {
			t.Errorf("unflushed SetUint64 survived the crash: err %v", err)
		}
		s := d.Stats()
		if s.LiedWrites != 3 || s.Flushed != 1 || s.LostUnflushed != 2 || s.Unflushed != 0 || s.Syncs != 0 {
			t.Errorf("stats: %v; want lied_writes=3 flushed=1 lost_unflushed=2 unflushed=0 syncs=0", s)
		}

		// Writes that had their time are durable.
		mustNil(t, "StoreLog", logs.StoreLog(entry(3)))
		time.Sleep(lat)
		synctest.Wait() // let the write-back timer due at this instant run
		d.Crash()
		if got := indexes(t, d.LogStore()); !slices.Equal(got, []uint64{1, 2, 3}) {
			t.Errorf("after the second crash the log holds %v, want 1..3", got)
		}
	})
}

func TestHonestWriteFlushesEarlierLies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{WriteLatency: 50 * time.Millisecond})
		logs := d.LogStore()
		d.SetFsyncLies(true)
		mustNil(t, "StoreLog", logs.StoreLog(entry(1))) // due at 50ms
		d.SetFsyncLies(false)
		d.SetWriteLatency(time.Millisecond)
		mustNil(t, "StoreLog", logs.StoreLog(entry(2))) // honest, done at 1ms
		d.Crash()
		if got := indexes(t, d.LogStore()); !slices.Equal(got, []uint64{1, 2}) {
			t.Errorf("after crash the log holds %v, want 1..2: an fsync flushes earlier writes", got)
		}
		if s := d.Stats(); s.Flushed != 1 || s.LostUnflushed != 0 {
			t.Errorf("stats: %v; want flushed=1 lost_unflushed=0", s)
		}
	})
}

func TestFsyncLiesKeepWriteOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A later write with a shorter latency waits for the earlier one: the durable state
		// is always a prefix of the write history.
		d := New(Config{WriteLatency: 10 * time.Millisecond})
		d.SetFsyncLies(true)
		logs := d.LogStore()
		mustNil(t, "StoreLog", logs.StoreLog(entry(1))) // due at 10ms
		d.SetWriteLatency(time.Millisecond)
		mustNil(t, "StoreLog", logs.StoreLog(entry(2))) // due at 1ms, behind entry 1
		time.Sleep(5 * time.Millisecond)
		if s := d.Stats(); s.Flushed != 0 {
			t.Fatalf("flushed %d writes out of order", s.Flushed)
		}
		time.Sleep(5 * time.Millisecond)
		synctest.Wait()
		if s := d.Stats(); s.Flushed != 2 || s.Unflushed != 0 {
			t.Fatalf("at 10ms: %v; want flushed=2 unflushed=0", s)
		}
		d.Crash()
		if got := indexes(t, d.LogStore()); !slices.Equal(got, []uint64{1, 2}) {
			t.Errorf("after crash the log holds %v, want 1..2", got)
		}
	})
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{{WriteLatency: -1}, {SnapshotRetain: -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", cfg)
				}
			}()
			New(cfg)
		}()
	}
}

func TestStatsString(t *testing.T) {
	s := Stats{Started: 6, Writes: 1, WriteBytes: 2, Syncs: 3, LostUnflushed: 4, Unflushed: 5}
	const want = "started=6 writes=1 write_bytes=2 syncs=3 lied_writes=0 flushed=0 reads=0 crashes=0 " +
		"lost_in_flight=0 lost_unflushed=4 lost_bytes=0 stale_calls=0 snapshots_reaped=0 " +
		"snapshots_abandoned=0 in_flight=0 unflushed=5"
	if got := s.String(); got != want {
		t.Errorf("String() = %q\nwant %q", got, want)
	}
}

func TestIdleWaitsForWritesInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := New(Config{WriteLatency: 10 * time.Millisecond})
		select {
		case <-d.Idle():
		default:
			t.Fatal("Idle of a disk with no write in flight is not closed")
		}
		stable := d.StableStore()
		start := time.Now()
		var took [2]time.Duration
		var done sync.WaitGroup
		for i := range took {
			done.Go(func() {
				mustNil(t, "Set", stable.SetUint64([]byte("CurrentTerm"), uint64(i)))
				took[i] = time.Since(start)
			})
			time.Sleep(3 * time.Millisecond) // the second write ends 3 ms after the first
		}
		<-d.Idle()
		if waited := time.Since(start); waited != 13*time.Millisecond {
			t.Errorf("Idle fired after %v, want 13ms (when the second of two writes ended)", waited)
		}
		done.Wait()
		d.Crash()
		if s := d.Stats(); s.LostInFlight != 0 || s.Syncs != 2 {
			t.Errorf("stats %+v, want both writes synced and none lost", s)
		}
	})
}
