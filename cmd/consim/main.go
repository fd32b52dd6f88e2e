// Command consim runs deterministic simulations of Serf/Consul-style clusters and judges
// them. See the README for a tour and docs/ for the scenario format and event stream.
//
// Exit codes: 0 the run completed and every expectation held; 1 an expectation failed;
// 2 bad input or usage; 3 harness failure (the simulated world crashed or hung).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/consim/consim/sim"
)

func main() {
	sim.Main() // a worker process runs its guest and exits here
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the process exit code. Output goes through
// the given writers so tests can capture it.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	code, msg := classify(err)
	if msg != "" {
		fmt.Fprintln(stderr, msg)
	}
	return code
}
