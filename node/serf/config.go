package serf

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"time"

	"github.com/hashicorp/memberlist"
)

// Size limits. A user event or query travels in memberlist's gossip packets
// (UDPBufferSize, 1400 bytes on every profile), next to memberlist's own messages, so one
// encoded message must fit in one packet with room to spare.
const (
	// DefaultEventSizeLimit is Serf's default limit on a user event's name + payload.
	DefaultEventSizeLimit = 512
	// MaxEventSizeLimit is the hard cap on Options.EventSizeLimit. Serf allows 9 KiB, but
	// an event that large never fits a gossip packet: it would travel only by push-pull.
	MaxEventSizeLimit = 1024
	// MaxMessageSize caps one encoded user event or query (name, payload, origin, filter
	// and header): what fits in a gossip packet beside memberlist's framing.
	MaxMessageSize = 1200
)

// Options tune the Serf layer. A zero field takes the default of DefaultOptions; those
// are Serf's own defaults unless said otherwise.
type Options struct {
	// EventSizeLimit bounds a user event's name + payload, 1 to MaxEventSizeLimit bytes.
	EventSizeLimit int
	// EventBuffer is how many Lamport times of recent user events are remembered, for
	// de-duplication and push-pull: an event older than the clock minus EventBuffer is
	// dropped as too old.
	EventBuffer int
	// QueryBuffer is EventBuffer for queries.
	QueryBuffer int
	// QuerySizeLimit bounds a query's name + payload; QueryResponseSizeLimit a response.
	QuerySizeLimit         int
	QueryResponseSizeLimit int
	// QueryTimeoutMult sets a query's default timeout:
	// GossipInterval x QueryTimeoutMult x ceil(log10(members + 1)).
	QueryTimeoutMult int
	// QueryRelayLimit caps QueryParams.RelayFactor.
	QueryRelayLimit int

	// BroadcastTimeout bounds the wait for a leave intent (and memberlist's leave) to go
	// out.
	BroadcastTimeout time.Duration
	// LeavePropagateDelay is how long Leave waits after memberlist's leave broadcast, so
	// it reaches the cluster before the node stops answering. Serf's default is 0 and
	// Consul's 3s; ours is 1s.
	LeavePropagateDelay time.Duration

	// ReapInterval is how often failed and left members are checked for removal.
	ReapInterval time.Duration
	// ReconnectInterval is how often this node tries to reach a failed member again.
	ReconnectInterval time.Duration
	// ReconnectTimeout is how long a failed member is kept (and retried) before it is
	// reaped.
	ReconnectTimeout time.Duration
	// TombstoneTimeout is how long a left member is kept before it is reaped.
	TombstoneTimeout time.Duration
	// RecentIntentTimeout is how long an intent about an unknown member is kept, in case
	// memberlist tells of the member later.
	RecentIntentTimeout time.Duration

	// OrderTimeout is how long a user event waits for the previous event of its origin
	// before it is delivered anyway (and marked as delivered after a gap). The default is
	// ten gossip intervals. Not in Serf, which delivers in arrival order.
	OrderTimeout time.Duration

	// CoalescePeriod, if set, coalesces member events for handlers: within the period
	// (or until QuiescentPeriod passes without one) only each member's latest change is
	// passed on, grouped by type. 0 disables it.
	CoalescePeriod  time.Duration
	QuiescentPeriod time.Duration
	// UserCoalescePeriod and UserQuiescentPeriod do the same for user events fired with
	// Coalesce: only the latest event of each name reaches handlers. 0 disables it.
	UserCoalescePeriod  time.Duration
	UserQuiescentPeriod time.Duration

	// Replay makes Join ask for the events the cluster still remembers (up to
	// EventBuffer Lamport times back). Without it, a joining node receives only events
	// fired after it joined: Serf's agent default (`serf join` without -replay).
	Replay bool

	// MaxQueueDepth bounds each broadcast queue (intents, events, queries); the oldest
	// broadcasts beyond it are dropped.
	MaxQueueDepth int
	// HandlerQueue bounds the events waiting for the handler dispatcher; beyond it they
	// are dropped and counted (Stats.HandlerDrops).
	HandlerQueue int
}

// DefaultOptions returns the defaults. OrderTimeout is left 0: it depends on the
// memberlist profile and is set by Create.
func DefaultOptions() Options {
	return Options{
		EventSizeLimit:         DefaultEventSizeLimit,
		EventBuffer:            512,
		QueryBuffer:            512,
		QuerySizeLimit:         1024,
		QueryResponseSizeLimit: 1024,
		QueryTimeoutMult:       16,
		QueryRelayLimit:        3,
		BroadcastTimeout:       5 * time.Second,
		LeavePropagateDelay:    time.Second,
		ReapInterval:           15 * time.Second,
		ReconnectInterval:      30 * time.Second,
		ReconnectTimeout:       24 * time.Hour,
		TombstoneTimeout:       24 * time.Hour,
		RecentIntentTimeout:    5 * time.Minute,
		MaxQueueDepth:          4096,
		HandlerQueue:           4096,
	}
}

// withDefaults fills zero fields.
func (o Options) withDefaults(gossipInterval time.Duration) Options {
	d := DefaultOptions()
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setInt(&o.EventSizeLimit, d.EventSizeLimit)
	setInt(&o.EventBuffer, d.EventBuffer)
	setInt(&o.QueryBuffer, d.QueryBuffer)
	setInt(&o.QuerySizeLimit, d.QuerySizeLimit)
	setInt(&o.QueryResponseSizeLimit, d.QueryResponseSizeLimit)
	setInt(&o.QueryTimeoutMult, d.QueryTimeoutMult)
	setInt(&o.QueryRelayLimit, d.QueryRelayLimit)
	setInt(&o.MaxQueueDepth, d.MaxQueueDepth)
	setInt(&o.HandlerQueue, d.HandlerQueue)
	setDur(&o.BroadcastTimeout, d.BroadcastTimeout)
	setDur(&o.LeavePropagateDelay, d.LeavePropagateDelay)
	setDur(&o.ReapInterval, d.ReapInterval)
	setDur(&o.ReconnectInterval, d.ReconnectInterval)
	setDur(&o.ReconnectTimeout, d.ReconnectTimeout)
	setDur(&o.TombstoneTimeout, d.TombstoneTimeout)
	setDur(&o.RecentIntentTimeout, d.RecentIntentTimeout)
	setDur(&o.OrderTimeout, 10*gossipInterval)
	return o
}

func (o Options) validate() error {
	switch {
	case o.EventSizeLimit < 1 || o.EventSizeLimit > MaxEventSizeLimit:
		return fmt.Errorf("serf: EventSizeLimit %d: want 1 to %d bytes", o.EventSizeLimit, MaxEventSizeLimit)
	case o.QuerySizeLimit < 1 || o.QuerySizeLimit > MaxEventSizeLimit:
		return fmt.Errorf("serf: QuerySizeLimit %d: want 1 to %d bytes", o.QuerySizeLimit, MaxEventSizeLimit)
	case o.QueryResponseSizeLimit < 1 || o.QueryResponseSizeLimit > MaxEventSizeLimit:
		return fmt.Errorf("serf: QueryResponseSizeLimit %d: want 1 to %d bytes", o.QueryResponseSizeLimit, MaxEventSizeLimit)
	case o.EventBuffer < 1 || o.QueryBuffer < 1:
		return errors.New("serf: EventBuffer and QueryBuffer must be positive")
	case o.QueryTimeoutMult < 1 || o.QueryRelayLimit < 0 || o.QueryRelayLimit > 255:
		return errors.New("serf: QueryTimeoutMult must be positive and QueryRelayLimit 0 to 255")
	case o.MaxQueueDepth < 1 || o.HandlerQueue < 1:
		return errors.New("serf: MaxQueueDepth and HandlerQueue must be positive")
	}
	for _, d := range []time.Duration{o.BroadcastTimeout, o.LeavePropagateDelay, o.ReapInterval, o.ReconnectInterval,
		o.ReconnectTimeout, o.TombstoneTimeout, o.RecentIntentTimeout, o.OrderTimeout,
		o.CoalescePeriod, o.QuiescentPeriod, o.UserCoalescePeriod, o.UserQuiescentPeriod} {
		if d < 0 {
			return errors.New("serf: negative duration in Options")
		}
	}
	return nil
}

// Config is everything Create needs. Create never mutates it.
type Config struct {
	// Name is the node's unique name.
	Name string
	// Tags are the node's initial tags.
	Tags map[string]string
	// Memberlist is the gossip configuration, Transport included (memberlist binds real
	// sockets without one). Create uses a copy, with Name, Delegate, Events and Logger
	// replaced by its own.
	Memberlist *memberlist.Config
	// Options tune the Serf layer.
	Options Options
	// Handlers are registered before the node starts, so they see its own join.
	Handlers []HandlerSpec
	// Rand drives Serf's own random choices (query IDs, relays, reconnects); it is used
	// under a lock. nil means the math/rand global source.
	Rand *rand.Rand
	// Observer hears about everything the node sees and does; nil means nobody.
	Observer Observer
	// Clocks, if set, keeps the three Lamport clocks across restarts (snapshot.go):
	// Create starts from the saved ones and every move is saved. nil keeps nothing: a
	// restarted node starts its clocks at 1 and may reuse a time, as a Serf agent
	// without a snapshot file does.
	Clocks ClockStore
	// LogOutput receives the Serf layer's and memberlist's log lines; nil discards them.
	LogOutput io.Writer

	// UnsafeDeliverDuplicateEvents is a planted bug, for showing that a checker catches
	// it: every copy of a user event that arrives after the first (gossip from another
	// peer, a push-pull) is delivered again, to the observer and the handlers, instead
	// of being dropped as a duplicate. It breaks "each member delivers a user event
	// once". Copies are still not gossiped on, so the cluster's traffic is unchanged.
	UnsafeDeliverDuplicateEvents bool
}

func (c *Config) validate() error {
	switch {
	case c.Name == "":
		return errors.New("serf: config: Name is required")
	case c.Memberlist == nil:
		return fmt.Errorf("serf %s: config: Memberlist is required", c.Name)
	case c.Memberlist.Transport == nil:
		return fmt.Errorf("serf %s: config: Memberlist.Transport is required (memberlist would bind real sockets without one)", c.Name)
	}
	return nil
}
