package nativeworld

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"testing"
	"testing/cryptotest"
	"testing/synctest"
	"time"

	"github.com/consim/consim/sim/runspec"
	"github.com/consim/consim/sim/world"
)

// TestWorld runs the world of the spec on stdin and writes its stream on stdout. It runs
// only in a process that consim started (CONSIM_NATIVE_WORLD=1), with GOMAXPROCS=1,
// GOGC=off and the runtime overlay.
//
// Nothing leaves the process while the world runs: the stream is kept in memory and
// written once the world is done, because a syscall hands the P to another thread, which
// runs whichever goroutine is next meanwhile. The process ends from inside the bubble
// (os.Exit, as cmd/simworld does): the agents' goroutines never end on their own, and
// synctest.Test would call them a deadlock once the bubble's main goroutine returns.
func TestWorld(t *testing.T) {
	if os.Getenv("CONSIM_NATIVE_WORLD") != "1" {
		t.Skip("the native engine's world: runs only when consim starts it (--engine native)")
	}
	var spec runspec.Spec
	if err := json.NewDecoder(os.Stdin).Decode(&spec); err != nil {
		fmt.Fprintf(os.Stderr, "nativeworld: read run spec on stdin: %v\n", err)
		os.Exit(runspec.ExitBadSpec)
	}
	// GOGC=off also in code: a collection must start only where the overlay starts one.
	debug.SetGCPercent(-1)
	// The local time zone is loaded once, on first use, from a file (unless TZ=UTC, as the
	// engine sets it): load it now, so that no goroutine of the world makes that system
	// call (docs/native-engine.md, edit 4).
	_ = time.Local.String()
	var stream bytes.Buffer
	synctest.Test(t, func(t *testing.T) {
		cryptotest.SetGlobalRandom(t, spec.Seed)
		err := world.Run(spec, &stream)
		// The world is done: from here on, syscalls change nothing.
		os.Stdout.Write(stream.Bytes())
		if err != nil {
			fmt.Fprintf(os.Stderr, "nativeworld: %v\n", err)
			os.Exit(runspec.ExitWorld)
		}
		os.Exit(0)
	})
}
