// Package netmodel is the virtual network of consim: hosts with one or more
// NICs, directed links with latency, loss and bounded queues, best-effort
// packets (memberlist's UDP side) and reliable ordered streams (raft,
// memberlist push-pull, HTTP), plus named faults (directional block rules,
// host crashes) that count what they did.
//
// No real socket is ever opened. All timing uses the standard time package
// (time.Now, time.AfterFunc, timers), because the same code runs in two
// places where time is virtual: inside the GOOS=wasip1 guest, whose clock
// only advances when every goroutine sleeps, and in native unit tests inside
// testing/synctest bubbles. Every random choice (latency samples, loss) is
// drawn from the *rand.Rand given in Config, under the network's mutex, and
// no behaviour depends on map iteration order: hosts, listeners, endpoints,
// rules and held traffic live in slices in creation order. Together that
// makes a run repeatable from its seed.
//
// Concurrency: a Network is safe for concurrent use. One mutex guards the
// whole network; it is never held while blocking on a channel or while
// calling code outside this package. Delivery never blocks: a full inbox,
// queue or accept backlog is a counted drop (or a refused dial), never a
// stuck goroutine, so nothing is left behind once everything is closed.
//
// The adapters MemberlistTransport (memberlist.NodeAwareTransport) and
// RaftLayer (raft.StreamLayer) let the unmodified libraries run on top.
package netmodel
