// Package native is the runtime overlay of consim's native engine: the few lines of Go's
// runtime that change so that the simulated world, run natively inside a testing/synctest
// bubble with GOMAXPROCS=1 and GOGC=off, replays byte for byte. The overlay is made for
// one Go release (GoVersion): it is applied with `go build -overlay`, which replaces
// GOROOT files for one build, with the stock toolchain. docs/native-engine.md lists every
// changed line and why.
package native

import (
	_ "embed" // for the added runtime file
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// GoVersion is the Go release the overlay was made for. Another release's runtime files
// differ, and an overlay copied from them would be untested: the engine refuses to build.
const GoVersion = "go1.26.8"

// Edit replaces one exact text, found exactly once, in one file of GOROOT/src/runtime.
type Edit struct {
	File, Old, New string
	// Why is the source of divergence the edit removes.
	Why string
}

// AddedFile is the file the overlay adds to the runtime package: the functions the edits
// call.
const AddedFile = "consim.go"

//go:embed overlay/consim.go.txt
var added string

// Added returns the text of AddedFile.
func Added() string { return added }

// Edits are the changes to stock runtime files: in file order, then those added later
// (their numbers in docs/native-engine.md stay).
var Edits = []Edit{
	{File: "proc.go",
		Old: "\t\t} else if pd.schedwhen+forcePreemptNS <= now {\n\t\t\tpreemptone(pp)\n",
		New: "\t\t} else if pd.schedwhen+forcePreemptNS <= now {\n\t\t\tconsimPreemptone(pp) // consim: was preemptone(pp)\n",
		Why: "sysmon preempts a goroutine that has run 10 ms of wall time and puts it at the back of the run queue: " +
			"where that happens depends on the machine's load. consimPreemptone preempts no goroutine, in the bubble " +
			"or outside it (a collection's mark worker, preempted, shrank its stack then)"},
	{File: "proc.go",
		Old: "\tif randomizeScheduler && next && randn(2) == 0 {\n",
		New: "\tif next && consimOutside(gp) { // consim: a goroutine outside the bubble does not take runnext\n\t\tnext = false\n\t}\n" +
			"\tif randomizeScheduler && next && randn(2) == 0 {\n",
		Why: "a goroutine outside the bubble made runnable while the bubble runs (a timer of the runtime's, the scavenger) " +
			"takes runnext, and pushes the goroutine of the bubble there to the back of the run queue"},
	{File: "proc.go",
		Old: "\tif !inheritTime {\n\t\tmp.p.ptr().schedtick++\n\t}\n",
		New: "\tif !inheritTime && !consimOutside(gp) { // consim: only the bubble's goroutines count while it runs\n\t\tmp.p.ptr().schedtick++\n\t}\n",
		Why: "every 61st schedule tick the global run queue goes first: a goroutine outside the bubble that runs while it is " +
			"active shifts that phase"},
	{File: "proc.go",
		Old: "\t\tthread, ok := setBlockOnExitSyscall(pp)\n\t\tif !ok {\n\t\t\t// Not in a syscall, or something changed out from under us.\n\t\t\tgoto done\n\t\t}\n",
		New: "\t\tthread, ok := setBlockOnExitSyscall(pp)\n\t\tif !ok {\n\t\t\t// Not in a syscall, or something changed out from under us.\n\t\t\tgoto done\n\t\t}\n" +
			"\t\tif consimKeepP(thread.gp) { // consim: a goroutine keeps its P through a system call\n" +
			"\t\t\tthread.resume()\n\t\t\tgoto done\n\t\t}\n",
		Why: "sysmon takes the P from a goroutine that has been in a system call for one of its ticks (20 us to 10 ms of " +
			"wall time) and hands it to another thread, which runs the next goroutine of the bubble meanwhile; the " +
			"goroutine back from its call then queues behind the others: how long a call takes decides the order. " +
			"Before the bubble exists (reading the run spec), it may start a thread for that: allocm's allocations " +
			"move every address allocated after them. consimKeepP keeps the P of every goroutine"},
	{File: "rand.go",
		Old: "\tglobalRand.state.Init(*seed)\n",
		New: "\t*seed = [32]byte{'c', 'o', 'n', 's', 'i', 'm'} // consim: the same process-wide seed in every run\n" +
			"\tglobalRand.state.Init(*seed)\n",
		Why: "the process-wide random state, seeded from the kernel's random bytes at start-up, keys the hash of every " +
			"map (aeskeysched): where a key lands, and so the iteration order of a map of more than 8 entries, " +
			"differs from one process to the next"},
	{File: "rand.go",
		Old: "\tmp := getg().m\n\tc := &mp.chacha8\n",
		New: "\tif gp := getg(); gp.bubble != nil && !consimOff.rand && gp == gp.m.curg { // consim: the bubble's own state\n" +
			"\t\treturn gp.bubble.rand()\n\t}\n\tmp := getg().m\n\tc := &mp.chacha8\n",
		Why: "rand() (map seeds and iteration order, math/rand, hash/maphash) draws from per-M state, seeded in the order " +
			"threads start: its values depend on which thread runs the goroutine"},
	{File: "select.go",
		Old: "j := cheaprandn(uint32(norder + 1))",
		New: "j := bubbleCheaprandn(uint32(norder + 1)) // consim: was cheaprandn",
		Why: "select's poll order comes from the per-M cheaprand"},
	{File: "sema.go",
		Old: "func internal_sync_nanotime() int64 {\n",
		New: "func internal_sync_nanotime() int64 {\n" +
			"\tif gp := getg(); gp.bubble != nil && !consimOff.mutex { // consim: virtual time in a bubble\n" +
			"\t\treturn gp.bubble.now\n\t}\n",
		Why: "sync.Mutex switches to starvation mode (hand-off instead of barging) after a waiter waited 1 ms of wall time"},
	{File: "synctest.go",
		Old: "\tactive  int // other sources of activity\n}",
		New: "\tactive  int // other sources of activity\n\n\trandState uint64 // consim: the bubble's random state (consim.go)\n}",
		Why: "the bubble's own random state"},
	{File: "synctest.go",
		Old: "\tbubble.now = synctestBaseTime\n",
		New: "\tbubble.now = synctestBaseTime\n\tconsimInit(bubble) // consim: seed the bubble's random state\n",
		Why: "the bubble's own random state"},
	{File: "synctest.go",
		Old: "\t\tgopark(synctestidle_c, nil, waitReasonSynctestRun, traceBlockSynctest, 0)\n",
		New: "\t\tgopark(synctestidle_c, nil, waitReasonSynctestRun, traceBlockSynctest, 0)\n" +
			"\t\tconsimIdle() // consim: collect and quiesce while the bubble is durably blocked\n",
		Why: "a concurrent collection's mark workers and assists interleave with the bubble's goroutines by wall time; " +
			"a goroutine outside the bubble that runs while it is active shifts the schedule tick that decides when " +
			"the global run queue goes first"},
	{File: "time.go",
		Old: "\tpending := t.when > 0\n\tt.when = when\n",
		New: "\tpending := t.when > 0\n\tt.when = when\n" +
			"\tif t.isFake { // consim: the order among timers due at the same instant, drawn in program order\n" +
			"\t\tt.rand = uint32(bubbleRand(getg().bubble))\n\t}\n",
		Why: "fake timers due at the same instant fire in an order drawn from the per-M cheaprand"},
	{File: "time.go",
		Old: "\t\t\tt.rand = cheaprand()\n",
		New: "\t\t\t// consim: t.rand is drawn in modify, in program order (was t.rand = cheaprand())\n",
		Why: "a channel timer enters the heap when a goroutine blocks on it: in select, in the order of the " +
			"channels' addresses, which depend on the heap's layout (when memory was collected, the environment)"},
	{File: "proc.go",
		Old: "\tif mp != &m0 {\n\t\tthrow(\"runtime.main not on m0\")\n\t}\n",
		New: "\tif mp != &m0 {\n\t\tthrow(\"runtime.main not on m0\")\n\t}\n" +
			"\tunlockOSThread() // consim: the main goroutine is not locked to its thread during initialisation\n",
		Why: "the main goroutine is locked to the main thread during package initialisation: each time it blocks " +
			"(gcenable waits twice for the sweeper and the scavenger to start) or is preempted, the runtime hands " +
			"the P to another thread, and starts one when none is idle, which depends on how fast the thread " +
			"handed the P last time went back to sleep. allocm allocates a new M's structures on the heap: every " +
			"address allocated after it moves, and with them the iteration order of maps keyed by pointers"},
	{File: "proc.go",
		Old: "\tneedUnlock = false\n\tunlockOSThread()\n",
		New: "\tneedUnlock = false\n\tlockOSThread() // consim: balances the unlockOSThread after the m0 check\n\tunlockOSThread()\n",
		Why: "balances the edit above: runtime.main unlocks the main goroutine once initialisation is done"},
	{File: "iface.go",
		Old: "\tif cheaprand()&1023 != 0 {\n\t\t// Only bother updating the cache ~1 in 1000 times.\n\t\treturn tab\n\t}\n" +
			"\t// Load the current cache.\n\toldC := (*abi.TypeAssertCache)(atomic.Loadp(unsafe.Pointer(&s.Cache)))\n\n" +
			"\tif cheaprand()&uint32(oldC.Mask) != 0 {\n",
		New: "\tif bubbleCheaprand()&1023 != 0 { // consim: was cheaprand()\n\t\t// Only bother updating the cache ~1 in 1000 times.\n\t\treturn tab\n\t}\n" +
			"\t// Load the current cache.\n\toldC := (*abi.TypeAssertCache)(atomic.Loadp(unsafe.Pointer(&s.Cache)))\n\n" +
			"\tif bubbleCheaprand()&uint32(oldC.Mask) != 0 { // consim: was cheaprand()\n",
		Why: "a type assertion to an interface that misses its call site's cache updates the cache about once in 1000 " +
			"misses, drawn from the per-M cheaprand, and a new cache is allocated on the heap. The main thread's " +
			"cheaprand is also drawn by the runtime's own locks when sysmon contends for one (unlock2Wake, " +
			"mLockProfile.start), at moments of wall time: the draw, so the allocation, so every address after it " +
			"and the order of maps keyed by pointers, differed between runs"},
	{File: "iface.go",
		Old: "\tif cheaprand()&1023 != 0 {\n\t\t// Only bother updating the cache ~1 in 1000 times.\n\t\t// This ensures we don't waste memory on switches, or\n" +
			"\t\t// switch arguments, that only happen a few times.\n\t\treturn case_, tab\n\t}\n" +
			"\t// Load the current cache.\n\toldC := (*abi.InterfaceSwitchCache)(atomic.Loadp(unsafe.Pointer(&s.Cache)))\n\n" +
			"\tif cheaprand()&uint32(oldC.Mask) != 0 {\n",
		New: "\tif bubbleCheaprand()&1023 != 0 { // consim: was cheaprand()\n\t\t// Only bother updating the cache ~1 in 1000 times.\n\t\t// This ensures we don't waste memory on switches, or\n" +
			"\t\t// switch arguments, that only happen a few times.\n\t\treturn case_, tab\n\t}\n" +
			"\t// Load the current cache.\n\toldC := (*abi.InterfaceSwitchCache)(atomic.Loadp(unsafe.Pointer(&s.Cache)))\n\n" +
			"\tif bubbleCheaprand()&uint32(oldC.Mask) != 0 { // consim: was cheaprand()\n",
		Why: "the same for a type switch with interface cases: its cache is updated, and allocated anew, on a draw " +
			"from the per-M cheaprand"},
	{File: "mprof.go",
		Old: "var MemProfileRate int = 512 * 1024\n",
		New: "var MemProfileRate int = 0 // consim: was 512 * 1024\n",
		Why: "the memory profiler samples an allocation about every 512 KiB, at points drawn from the per-M cheaprand; " +
			"a sampled allocation records its call stack on the allocating goroutine's stack, which can make that " +
			"stack grow: a stack taken from, and later one given back to, the P's stack cache, and a stack span " +
			"returned to the heap at another moment, and the pages the world gets next differ. No sampling at all"},
}

// CheckVersion refuses any Go release but GoVersion, saying what to do.
func CheckVersion(goversion string) error {
	if goversion != GoVersion {
		return fmt.Errorf("native: the engine's runtime overlay is made for %s, and the Go toolchain on PATH is %s: "+
			"install %s for --engine native, or use --engine wasm", GoVersion, goversion, GoVersion)
	}
	return nil
}

// Write applies the overlay to the runtime of goroot, a Go installation of version
// goversion: it writes the changed and added files under dir and returns the path of the
// overlay file for `go build -overlay`. It refuses any Go release but GoVersion, and a
// GOROOT whose files an edit does not match exactly once.
func Write(goroot, goversion, dir string) (string, error) {
	if err := CheckVersion(goversion); err != nil {
		return "", err
	}
	src := filepath.Join(goroot, "src", "runtime")
	files := map[string]string{}
	for i, e := range Edits {
		text, ok := files[e.File]
		if !ok {
			b, err := os.ReadFile(filepath.Join(src, e.File))
			if err != nil {
				return "", fmt.Errorf("native: read the runtime: %w", err)
			}
			text = string(b)
		}
		if n := strings.Count(text, e.Old); n != 1 {
			return "", fmt.Errorf("native: %s in %s is not %s's (edit %d of the overlay matches %d times, want once): "+
				"reinstall %s, or use --engine wasm", e.File, src, GoVersion, i+1, n, GoVersion)
		}
		files[e.File] = strings.Replace(text, e.Old, e.New, 1)
	}
	files[AddedFile] = added
	out := filepath.Join(dir, "runtime")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("native: write overlay: %w", err)
	}
	replace := map[string]string{}
	for name, text := range files {
		path := filepath.Join(out, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return "", fmt.Errorf("native: write overlay: %w", err)
		}
		replace[filepath.Join(src, name)] = path
	}
	b, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return "", fmt.Errorf("native: write overlay: %w", err)
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("native: write overlay: %w", err)
	}
	return path, nil
}
