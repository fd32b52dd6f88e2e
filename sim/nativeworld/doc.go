// Package nativeworld is the simulated world of consim's native engine: a test binary
// (`go test -c`, built by sim with the runtime overlay of sim/native) whose one test runs
// sim/world inside a testing/synctest bubble, where time is virtual. Run through consim
// (--engine native): it reads the run spec on stdin and writes the event stream on stdout,
// as cmd/simworld does in the wasm engine.
package nativeworld
