package consimtest

import (
	"os"

	"github.com/consim/consim/sim"
)

// Main runs the tests of a package that uses consimtest: call it as the whole TestMain,
//
//	func TestMain(m *testing.M) { consimtest.Main(m) }
//
// It calls sim.Main first, so that the test binary can serve as a worker process for each
// run (a re-executed test binary runs its one guest run and exits there, before any test
// starts), then runs the tests and exits with their status.
func Main(m interface{ Run() int }) {
	sim.Main()
	os.Exit(m.Run())
}
