// Package bench is `consim bench`: GET and PUT latency of a scenario's workload over a
// matrix of read modes, paths (through the leader, a follower, a client agent),
// operations, conditions (links, fsync, a fault, a server CPU) and offered rates, over
// one or more seeds, in virtual time.
//
// A Matrix says what to measure; Plan turns it and a scenario into runs, one per
// condition, offered rate and seed, each an ordinary scenario (the bench rewrites its
// workload and applies the condition); Execute runs them, in parallel, each into a run
// directory as `consim run` writes it; NewReport reads every run's figures from the same
// event stream its summary.json is judged from, and renders them as Markdown, JSON and an
// HTML page with plots. Compare sets two reports side by side, cell by cell.
//
// Everything a report holds is a function of the matrix, the scenario, the seeds and the
// build: how many runs go at once changes nothing, and wall time is left out.
package bench
