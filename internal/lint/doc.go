// Package lint holds tests that forbid what would break the simulation: real sockets in
// code that runs inside the simulated world, and memberlist configurations built without
// the caller's transport. The checks live in rules.go so that they are tested themselves.
package lint
