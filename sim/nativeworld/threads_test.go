package nativeworld

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
)

// TestThreads prints how many threads the process has started (the runtime's threadcreate
// profile), at the start of the test and after a system call of 30 ms made while another
// goroutine was runnable, and whether that goroutine ran during the call. Every thread
// the runtime starts allocates its M on the heap, and moves every address allocated after
// it: before the world's bubble starts, when that happens is a matter of wall time
// (docs/native-engine.md, edits 4, 14 and 15). With the overlay the process has two threads,
// the main one and sysmon's, both times, and the call keeps the P: the other goroutine
// runs after it. Runs only when asked (CONSIM_NATIVE_THREADS=1): sim/native's
// TestNativeThreads starts it.
func TestThreads(t *testing.T) {
	if os.Getenv("CONSIM_NATIVE_THREADS") != "1" {
		t.Skip("the native engine's thread count: runs only when sim/native's TestNativeThreads starts it")
	}
	before, _ := runtime.ThreadCreateProfile(nil)
	var ran atomic.Bool
	done := make(chan bool)
	go func() { // runnable during the call below: stock, sysmon hands the P to another thread for it
		ran.Store(true)
		done <- true
	}()
	ts := syscall.NsecToTimespec(30e6)
	if err := syscall.Nanosleep(&ts, nil); err != nil {
		t.Fatalf("nanosleep: %v", err)
	}
	during := ran.Load()
	<-done
	after, _ := runtime.ThreadCreateProfile(nil)
	fmt.Printf("threads: before %d after %d ran-during-call %v\n", before, after, during)
}
