package nativeworld

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

// TestStress runs a workload made to expose whatever the runtime decides by wall time or by
// thread, inside a bubble: many goroutines, selects over ready channels, map iteration,
// timers due at the same instant, a contended mutex held across yields, sync.Pool,
// Gosched, long system calls, and enough allocation for several collections. Every
// decision goes into one hash, printed at the end: the engine's tests run it in several
// processes and compare (sim/native's TestNativeStress). Runs only when asked
// (CONSIM_NATIVE_STRESS=1).
func TestStress(t *testing.T) {
	if os.Getenv("CONSIM_NATIVE_STRESS") != "1" {
		t.Skip("the native engine's stress test: runs only when sim/native's TestNativeStress starts it")
	}
	debug.SetGCPercent(-1)
	var log stressLog
	log.h = sha256.New()
	// A goroutine outside the bubble that draws from the runtime's random state at moments
	// of wall time (CONSIM_NATIVE_STRESS_OUTSIDE=1): the runtime's own locks draw from the
	// main thread's state like that. The bubble's draws come from a state of its own, so
	// its hash must not change; with that fix switched off (CONSIM_NATIVE_OFF=rand) they
	// come from the same per-thread state, and it does.
	stop := make(chan struct{})
	if os.Getenv("CONSIM_NATIVE_STRESS_OUTSIDE") == "1" {
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				time.Sleep(20 * time.Microsecond) // wall time: outside the bubble
				_ = rand.Uint64()
			}
		}()
	}
	defer close(stop)
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		pool := sync.Pool{New: func() any { return new([64]byte) }}
		shared := make(chan int, 4)
		var wg sync.WaitGroup
		for g := range 64 {
			wg.Go(func() {
				tick := time.NewTicker(time.Duration(1+g%3) * time.Millisecond)
				defer tick.Stop()
				m := map[int]int{}
				var garbage [][]byte
				for step := range 60 {
					// Maps: insertion, then iteration order.
					for k := range 12 {
						m[k*g+step] = k
					}
					first := -1
					for k := range m {
						first = k
						break
					}
					// select over several ready cases, one of them a timer.
					done := make(chan struct{})
					close(done)
					var which string
					select {
					case shared <- g:
						which = "send"
					case v := <-shared:
						which = fmt.Sprint("recv", v)
					case <-done:
						which = "done"
					case <-tick.C:
						which = "tick"
					}
					// Timers due at the same instant: which fires first.
					a, b := time.NewTimer(time.Millisecond), time.NewTimer(time.Millisecond)
					var first2 string
					select {
					case <-a.C:
						first2 = "a"
					case <-b.C:
						first2 = "b"
					}
					a.Stop()
					b.Stop()
					// A contended mutex, held by some goroutines across yields and work that
					// takes wall time (a waiter blocked on a sync.Mutex is not durably blocked:
					// virtual time cannot pass while it waits).
					mu.Lock()
					if step%7 == g%7 {
						for range 3 {
							garbage = append(garbage, make([]byte, 64<<10))
							runtime.Gosched()
						}
					}
					mu.Unlock()
					// Pool, allocation, yielding, the global random source.
					p := pool.Get().(*[64]byte)
					p[0] = byte(step)
					pool.Put(p)
					garbage = append(garbage, make([]byte, 2048+rand.IntN(8192)))
					if len(garbage) > 40 {
						garbage = garbage[20:]
					}
					if step%5 == 0 {
						runtime.Gosched()
					}
					// System calls of 2 ms of wall time, made while other goroutines are
					// runnable: sysmon sees some of them (it looks every 20 us to 10 ms),
					// which ones depends on its phase.
					if g%4 == 0 && step%10 == 3 {
						ts := syscall.NsecToTimespec(int64(2 * time.Millisecond))
						syscall.Nanosleep(&ts, nil)
					}
					log.add(fmt.Sprintf("g%d s%d map%d %s %s r%d", g, step, first, which, first2, rand.IntN(1000)))
				}
			})
		}
		wg.Wait()
	})
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if p := os.Getenv("CONSIM_NATIVE_STRESS_LOG"); p != "" { // to diff two runs that differ
		os.WriteFile(p, []byte(strings.Join(log.lines, "\n")), 0o644)
	}
	fmt.Printf("stress: hash %x lines %d gcs %d\n", log.h.Sum(nil), log.n, ms.NumGC)
}

// stressLog hashes the order in which the goroutines did things.
type stressLog struct {
	mu    sync.Mutex
	h     hash.Hash
	n     int
	lines []string
}

func (l *stressLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.h, line)
	l.lines = append(l.lines, line)
	l.n++
}
