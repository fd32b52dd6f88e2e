package cpumodel_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consim/consim/cpumodel"
	"github.com/consim/consim/node"
)

var cfg = cpumodel.Config{Get: time.Millisecond, Put: 3 * time.Millisecond, CAS: 4 * time.Millisecond}

// Requests that arrive together are served one after the other, in arrival order: each
// returns when those before it and its own service time have passed.
func TestFIFO(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cpu := cpumodel.New(cfg)
		start := time.Now()
		kinds := []string{node.CPUPut, node.CPUGet, node.CPUCAS, node.CPUGet}
		done := make([]time.Duration, len(kinds))
		var wg sync.WaitGroup
		for i, k := range kinds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := cpu.Hold(context.Background(), k); err != nil {
					t.Error(err)
				}
				done[i] = time.Since(start)
			}()
			synctest.Wait() // the next one arrives after this one has queued
		}
		wg.Wait()
		want := []time.Duration{3 * time.Millisecond, 4 * time.Millisecond, 8 * time.Millisecond, 9 * time.Millisecond}
		for i := range want {
			if done[i] != want[i] {
				t.Errorf("request %d (%s) returned at %v, want %v", i, kinds[i], done[i], want[i])
			}
		}
		st := cpu.Stats()
		if st.Requests != 4 || st.Busy != 9*time.Millisecond || st.Waited != (3+4+8)*time.Millisecond {
			t.Errorf("stats %+v; want 4 requests, 9ms busy, 15ms waited", st)
		}
	})
}

// An idle CPU serves a request in its service time, whatever came long before; a free
// kind (delete here) passes at once, queue or not.
func TestIdleAndFree(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cpu := cpumodel.New(cfg)
		cpu.Hold(context.Background(), node.CPUPut)
		time.Sleep(time.Second)
		start := time.Now()
		go cpu.Hold(context.Background(), node.CPUPut)
		synctest.Wait()
		cpu.Hold(context.Background(), node.CPUDelete)
		if d := time.Since(start); d != 0 {
			t.Errorf("a free request took %v behind a queued one; want 0", d)
		}
		cpu.Hold(context.Background(), node.CPUGet)
		if d := time.Since(start); d != 4*time.Millisecond {
			t.Errorf("a get behind a put on a CPU idle for a second returned after %v; want 4ms", d)
		}
	})
}

// A request whose context ends while it waits returns the context's error then, and its
// time stays spent: the next request still waits for it.
func TestCanceledKeepsItsPlace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cpu := cpumodel.New(cfg)
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		if err := cpu.Hold(ctx, node.CPUCAS); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Hold with a 1ms deadline on a 4ms request = %v; want the deadline", err)
		}
		if d := time.Since(start); d != time.Millisecond {
			t.Errorf("it returned after %v; want 1ms", d)
		}
		cpu.Hold(context.Background(), node.CPUGet)
		if d := time.Since(start); d != 5*time.Millisecond {
			t.Errorf("the next get returned at %v; want 5ms (after the abandoned cas's 4ms)", d)
		}
	})
}

func TestUnknownKindPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Hold of an unknown kind did not panic")
		}
	}()
	cpumodel.New(cfg).Hold(context.Background(), "list")
}
