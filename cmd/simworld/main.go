// Command simworld is the simulated world, built for GOOS=wasip1 and run by consim inside
// wazero with a virtual clock and seeded entropy. It reads one run spec (JSON) on stdin,
// runs it, and writes the event stream (JSON lines) on stdout. Run it through consim.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/consim/consim/sim/runspec"
	"github.com/consim/consim/sim/world"
)

func main() {
	var spec runspec.Spec
	if err := json.NewDecoder(os.Stdin).Decode(&spec); err != nil {
		fmt.Fprintf(os.Stderr, "simworld: read run spec on stdin: %v\n", err)
		os.Exit(runspec.ExitBadSpec)
	}
	if err := world.Run(spec, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "simworld: %v\n", err)
		os.Exit(runspec.ExitWorld)
	}
	// Exit at once: the agents' goroutines have nothing more to tell, and a graceful
	// shutdown would only add virtual time after run_end.
	os.Exit(0)
}
