package diskmodel

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrCrashed is returned by every method of a handle, sink or snapshot reader opened before
// the Disk's last Crash, and by a write that was waiting for its fsync when the crash hit.
var ErrCrashed = errors.New("disk: handle closed by crash")

// DefaultSnapshotRetain is the number of snapshots kept when Config.SnapshotRetain is zero:
// Consul's setting.
const DefaultSnapshotRetain = 2

// Config describes a Disk. New copies it; the Disk never changes it.
type Config struct {
	// WriteLatency is the modeled fsync cost of one durable write, in (virtual) time.
	// Zero makes writes free. Change it at run time with Disk.SetWriteLatency.
	WriteLatency time.Duration
	// SnapshotRetain is how many completed snapshots the SnapshotStore keeps, like the
	// retain argument of raft.NewFileSnapshotStore. Zero means DefaultSnapshotRetain.
	SnapshotRetain int
}

// Disk is one node's simulated disk, owned by the world, which keeps it across the node's
// crashes and restarts. Its methods and those of its store handles are safe for concurrent
// use; a snapshot sink, as in raft, is used by one goroutine at a time.
type Disk struct {
	retain int

	mu      sync.Mutex
	latency time.Duration
	lies    bool
	epoch   uint64          // incremented by each Crash; handles remember the epoch they were opened in
	crashCh chan struct{}   // closed by the next Crash: wakes writes waiting for their fsync
	live    *state          // what handles read: durable plus the write-back queue
	durable *state          // what a crash leaves
	queue   []*op           // acknowledged, not yet durable (fsync lies), in write order
	flush   *time.Timer     // fires when the head of queue is due; nil until first needed
	sinks   map[string]bool // IDs of snapshot sinks created in this epoch and not yet closed
	// inFlight and inFlightBytes count writes of this epoch waiting for their fsync.
	inFlight, inFlightBytes uint64
	idle                    chan struct{} // closed when inFlight falls to zero; nil until Idle asks
	stats                   Stats
}

// New returns an empty disk. It panics if cfg is invalid: a broken harness configuration,
// not a behaviour of the simulated system.
func New(cfg Config) *Disk {
	if cfg.WriteLatency < 0 {
		panic(fmt.Sprintf("disk: negative WriteLatency %v", cfg.WriteLatency))
	}
	if cfg.SnapshotRetain < 0 {
		panic(fmt.Sprintf("disk: negative SnapshotRetain %d", cfg.SnapshotRetain))
	}
	retain := cfg.SnapshotRetain
	if retain == 0 {
		retain = DefaultSnapshotRetain
	}
	return &Disk{
		retain:  retain,
		latency: cfg.WriteLatency,
		crashCh: make(chan struct{}),
		live:    newState(),
		durable: newState(),
		sinks:   make(map[string]bool),
	}
}

// SetWriteLatency changes the fsync cost of writes that start from now on; writes already
// waiting keep the latency they started with. It panics on a negative latency.
func (d *Disk) SetWriteLatency(lat time.Duration) {
	if lat < 0 {
		panic(fmt.Sprintf("disk: negative write latency %v", lat))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.latency = lat
}

// WriteLatency returns the current fsync cost of a write.
func (d *Disk) WriteLatency() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.latency
}

// SetFsyncLies switches the unsafe mode in which writes are acknowledged before they are
// durable (see the package documentation). Writes already queued stay queued and become
// durable when due, whatever the mode.
func (d *Disk) SetFsyncLies(on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lies = on
}

// FsyncLies reports whether writes are acknowledged before they are durable.
func (d *Disk) FsyncLies() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lies
}

// Crash is a power loss or process crash. Handles opened before it fail with ErrCrashed,
// writes waiting for their fsync are lost and their callers get ErrCrashed, acknowledged
// writes not yet durable (fsync lies) are lost, open snapshot sinks are discarded. What is
// left is the durable state, which the next LogStore, StableStore and SnapshotStore open.
func (d *Disk) Crash() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.epoch++
	close(d.crashCh)
	d.crashCh = make(chan struct{})
	d.stats.Crashes++

	d.stats.LostInFlight += d.inFlight
	d.stats.LostBytes += d.inFlightBytes
	d.inFlight, d.inFlightBytes = 0, 0
	d.wakeIdle()

	for _, o := range d.queue {
		d.stats.LostUnflushed++
		d.stats.LostBytes += uint64(o.bytes)
	}
	clear(d.queue)
	d.queue = d.queue[:0]
	if d.flush != nil {
		d.flush.Stop()
	}

	d.stats.SnapshotsAbandoned += uint64(len(d.sinks))
	clear(d.sinks)

	d.live = d.durable.clone()
}

// Idle returns a channel closed once no write waits for its fsync: at once if none does.
// A crash of a node whose agent has stopped waits on it, because a goroutine the agent
// left behind (raft's transport answers heartbeats on its connection's goroutine, which
// raft's Shutdown does not wait for) may still be in a StableStore write, and raft panics
// when that write fails.
func (d *Disk) Idle() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inFlight == 0 {
		c := make(chan struct{})
		close(c)
		return c
	}
	if d.idle == nil {
		d.idle = make(chan struct{})
	}
	return d.idle
}

// wakeIdle closes the channel Idle handed out once no write is in flight. Called with
// d.mu held.
func (d *Disk) wakeIdle() {
	if d.inFlight == 0 && d.idle != nil {
		close(d.idle)
		d.idle = nil
	}
}

// Stats returns the disk's counters so far.
func (d *Disk) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.stats
	s.InFlight = d.inFlight
	s.Unflushed = uint64(len(d.queue))
	return s
}

// check reports whether a handle opened in epoch is still usable, counting the call if not.
// Called with d.mu held.
func (d *Disk) check(epoch uint64) error {
	if epoch != d.epoch {
		d.stats.StaleCalls++
		return ErrCrashed
	}
	return nil
}

// read runs f on the live state under the lock if a handle of epoch may still read.
func (d *Disk) read(epoch uint64, f func(s *state) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(epoch); err != nil {
		return err
	}
	return f(d.live)
}

// write performs o for a handle opened in epoch: one durable write, as the package
// documentation describes. It returns nil once o is acknowledged.
func (d *Disk) write(epoch uint64, o *op) error {
	d.mu.Lock()
	if err := d.check(epoch); err != nil {
		d.mu.Unlock()
		return err
	}
	if o.kind == opSnapshot {
		delete(d.sinks, o.snap.meta.ID)
	}
	d.stats.Started++
	lat := d.latency
	switch {
	case lat == 0:
		d.stats.Syncs++
		d.commit(o)
		d.mu.Unlock()
		return nil
	case d.lies:
		d.enqueue(o, time.Now().Add(lat))
		d.mu.Unlock()
		return nil
	}
	d.inFlight++
	d.inFlightBytes += uint64(o.bytes)
	crashed := d.crashCh
	d.mu.Unlock()

	t := time.NewTimer(lat)
	select {
	case <-t.C:
	case <-crashed:
		t.Stop()
		return ErrCrashed // counted by Crash
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.epoch != epoch {
		return ErrCrashed // the crash came at the instant the fsync ended; counted by Crash
	}
	d.inFlight--
	d.inFlightBytes -= uint64(o.bytes)
	d.wakeIdle()
	d.stats.Syncs++
	d.commit(o)
	return nil
}

// commit makes o visible and durable now, after everything queued before it: an fsync
// flushes earlier writes too. Called with d.mu held.
func (d *Disk) commit(o *op) {
	d.flushQueue(len(d.queue))
	d.live.apply(o, d.retain)
	d.stats.SnapshotsReaped += uint64(d.durable.apply(o, d.retain))
	d.acknowledged(o)
}

// enqueue acknowledges o before it is durable: visible now, durable at due unless a crash
// comes first. Called with d.mu held.
func (d *Disk) enqueue(o *op, due time.Time) {
	o.due = due
	d.live.apply(o, d.retain)
	d.queue = append(d.queue, o)
	d.stats.LiedWrites++
	d.acknowledged(o)
	if len(d.queue) == 1 {
		d.armFlush()
	}
}

func (d *Disk) acknowledged(o *op) {
	d.stats.Writes++
	d.stats.WriteBytes += uint64(o.bytes)
}

// armFlush sets the write-back timer for the head of the queue. Called with d.mu held.
func (d *Disk) armFlush() {
	if len(d.queue) == 0 {
		return
	}
	wait := time.Until(d.queue[0].due)
	if d.flush == nil {
		d.flush = time.AfterFunc(wait, d.flushDue)
		return
	}
	d.flush.Reset(wait)
}

// flushDue is the write-back timer: it makes every queued write that is due durable, in
// order, and re-arms for the next. A late or spurious call does no harm.
func (d *Disk) flushDue() {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	n := 0
	for n < len(d.queue) && !d.queue[n].due.After(now) {
		n++
	}
	d.flushQueue(n)
	d.armFlush()
}

// flushQueue makes the first n queued writes durable. Called with d.mu held.
func (d *Disk) flushQueue(n int) {
	if n == 0 {
		return
	}
	for _, o := range d.queue[:n] {
		d.stats.SnapshotsReaped += uint64(d.durable.apply(o, d.retain))
		d.stats.Flushed++
	}
	rest := copy(d.queue, d.queue[n:])
	clear(d.queue[rest:])
	d.queue = d.queue[:rest]
	if rest == 0 && d.flush != nil {
		d.flush.Stop()
	}
}
