// Package gen generates whole scenarios with pgregory.net/rapid, for property tests and
// `consim hunt`: a cluster shape, a workload, user events and a fault schedule drawn from
// every kind of the fault vocabulary, with the expectations every correct run must meet.
//
// Every draw is made so that rapid's shrinking (toward smaller numbers and earlier
// choices) makes a scenario simpler: fewer faults, shorter faults at earlier times, the
// simpler kinds first, fewer servers and clients, fewer keys and workload clients, a
// lower rate, a shorter run. A failing scenario so shrinks to one a person can read.
//
// Every scenario the generator returns passes Validate (TestGeneratedScenariosAreValid):
// a fault that would conflict with one drawn before it (two crashes of one node at once,
// two link faults setting the same thing) is left out, while a fault that is invalid on
// its own is a bug of the generator: the check fails, naming the scenario.
//
// The package is host-only: the guest never links rapid.
package gen
