package consimtest_test

import (
	"context"
	"fmt"

	"github.com/consim/consim/consimtest"
)

// Run the built-in baseline with seed 1 and look at its judged summary: which
// expectations held, and the line that replays it.
func Example() {
	sc, err := consimtest.Load("baseline")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := consimtest.Run(context.Background(), sc, consimtest.Options{Seed: 1})
	if err != nil {
		fmt.Println(err) // the harness failed
		return
	}
	s := res.Summary
	fmt.Printf("%s seed %d: %d servers, %d clients, %d expectation(s)\n", s.Scenario, s.Seed, s.Servers, s.Clients, len(s.Expectations))
	for _, x := range s.Expectations {
		fmt.Printf("ok=%t %s\n", x.OK, x.Name)
	}
	fmt.Println("err:", res.Err())
	fmt.Println("reproduce:", res.Reproduce)
	// Output:
	// baseline seed 1: 5 servers, 3 clients, 1 expectation(s)
	// ok=true liveness: converged
	// err: <nil>
	// reproduce: consim run baseline --seed 1
}
