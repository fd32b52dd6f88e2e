// Package netmodel is the virtual network of consim: hosts with one or more
// NICs, directed links with latency, loss and bounded queues, best-effort
// packets (memberlist's UDP side) and reliable ordered streams (raft,
// memberlist push-pull, HTTP), and a chaos engine of faults that count
// what they did.
//
// No real socket is ever opened. All timing uses the standard time package
// (time.Now, time.AfterFunc, timers), because the same code runs in two
// places where time is virtual: inside the GOOS=wasip1 guest, whose clock
// only advances when every goroutine sleeps, and in native unit tests inside
// testing/synctest bubbles. Every random choice (latency samples, loss,
// duplication, reordering) is drawn from the *rand.Rand given in Config,
// under the network's mutex, and no behaviour depends on map iteration
// order: hosts, listeners, endpoints, fault pieces and held traffic live in
// slices in creation order. Together that makes a run repeatable from its
// seed. A fault that matches no traffic draws nothing, so installing one
// never shifts the random stream of the traffic it does not touch.
//
// # Faults
//
// A Fault (Network.NewFault) groups what one scenario fault installs, is
// lifted in one call (Fault.Lift) and counts its effect
// (Traffic). Its pieces:
//
//   - Block(from, to, proto): a directional block between hosts, for
//     packets, streams or both ("UDP blocked, TCP fine" is Packets only).
//     Packets are dropped; stream segments and handshakes are held.
//   - Impair(from, to, Impairment): latency replaced, extra loss,
//     duplication, reordering. Loss, duplication and reordering apply to
//     packets only: streams stay reliable and ordered.
//   - Pause(host): everything to and from the host is held, packets
//     included, and released on Lift (see Fault.Pause for what a pause
//     cannot model).
//   - NICDown(host, nic): traffic over that NIC is cut, packets dropped,
//     streams held. Host.SetRoute says which NIC reaches which peer.
//
// A partition never drops bytes from a stream: it stalls the stream
// (writes fill the buffer, reads block) until deadlines fire or the fault
// is lifted, and then the stream resumes in order. Host.Crash resets
// streams and reports how many of its ends it reset. Packets are checked
// against faults when they are sent, stream segments when they fall due.
// When several faults match the same traffic, the piece installed first is
// charged, so the faults' counters add up to the network's (Stats). With no
// fault installed the packet and stream paths skip all matching.
//
// Concurrency: a Network is safe for concurrent use. One mutex guards the
// whole network; it is never held while blocking on a channel or while
// calling code outside this package. Delivery never blocks: a full inbox,
// queue, pause queue or accept backlog is a counted drop (or a refused
// dial), never a stuck goroutine, so nothing is left behind once everything
// is closed.
//
// The adapters MemberlistTransport (memberlist.NodeAwareTransport) and
// RaftLayer (raft.StreamLayer) let the unmodified libraries run on top.
package netmodel
