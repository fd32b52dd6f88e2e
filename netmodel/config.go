package netmodel

import (
	"errors"
	"fmt"
	"math/rand"
)

// Defaults for the zero values of the limits in Config and LinkConfig.
const (
	DefaultQueueLimit        = 1024
	DefaultInboxLimit        = 1024
	DefaultStreamBufferLimit = 4 << 20
	DefaultAcceptBacklog     = 128
	DefaultPauseQueueLimit   = 16384
)

// maxSegment caps the bytes of one stream segment, so a large Write is
// spread over several latency samples (and can make partial progress against
// a small StreamBufferLimit) instead of arriving as one block.
const maxSegment = 64 << 10

// LinkConfig describes one directed link between two NICs.
type LinkConfig struct {
	// Latency is the one-way delay of every packet and stream segment.
	Latency Latency
	// Loss is the probability that a packet is dropped. It applies to
	// packets only: streams are reliable and never lose bytes.
	Loss float64
	// QueueLimit bounds the packets in flight on this directed link
	// (src NIC -> dst NIC); 0 means DefaultQueueLimit. Overflow is a
	// counted drop.
	QueueLimit int
}

// Validate checks the latency and that Loss is a probability.
func (lc LinkConfig) Validate() error {
	if err := lc.Latency.Validate(); err != nil {
		return err
	}
	if lc.Loss < 0 || lc.Loss > 1 || lc.Loss != lc.Loss {
		return fmt.Errorf("netmodel: loss %v is not in [0, 1]", lc.Loss)
	}
	if lc.QueueLimit < 0 {
		return fmt.Errorf("netmodel: queue limit %d is negative", lc.QueueLimit)
	}
	return nil
}

func (lc LinkConfig) queueLimit() int {
	if lc.QueueLimit == 0 {
		return DefaultQueueLimit
	}
	return lc.QueueLimit
}

// Config configures a Network. It is read once by New and never mutated.
type Config struct {
	// Link is the default for every directed NIC pair; SetLink overrides one.
	Link LinkConfig
	// Rand is required: every random choice of the network (latency
	// samples, loss) is drawn from it, under the network's mutex.
	Rand *rand.Rand
	// InboxLimit is the capacity of each packet endpoint's receive
	// channel; 0 means DefaultInboxLimit. A full inbox is a counted drop.
	InboxLimit int
	// StreamBufferLimit bounds the bytes in flight plus unread in one
	// direction of a stream before Write blocks; 0 means
	// DefaultStreamBufferLimit.
	StreamBufferLimit int
	// AcceptBacklog bounds the connections waiting in one listener for
	// Accept; 0 means DefaultAcceptBacklog. A full backlog refuses dials.
	AcceptBacklog int
	// PauseQueueLimit bounds the packets one Fault's pauses hold; 0 means
	// DefaultPauseQueueLimit. Overflow is a counted drop
	// (PacketsDroppedPauseQueue), charged to the fault.
	PauseQueueLimit int
}

func (c Config) validate() error {
	if c.Rand == nil {
		return errors.New("netmodel: Config.Rand is required")
	}
	if err := c.Link.Validate(); err != nil {
		return err
	}
	if c.InboxLimit < 0 || c.StreamBufferLimit < 0 || c.AcceptBacklog < 0 || c.PauseQueueLimit < 0 {
		return errors.New("netmodel: negative limit in Config")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.InboxLimit == 0 {
		c.InboxLimit = DefaultInboxLimit
	}
	if c.StreamBufferLimit == 0 {
		c.StreamBufferLimit = DefaultStreamBufferLimit
	}
	if c.AcceptBacklog == 0 {
		c.AcceptBacklog = DefaultAcceptBacklog
	}
	if c.PauseQueueLimit == 0 {
		c.PauseQueueLimit = DefaultPauseQueueLimit
	}
	return c
}
