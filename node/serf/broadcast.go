package serf

import "github.com/hashicorp/memberlist"

// broadcast is one message in a transmit-limited queue. Every message is unique (a
// Lamport time plus a name or ID): nothing is invalidated by a later one, which spares
// the queue a scan.
type broadcast struct {
	msg    []byte
	notify chan struct{} // closed when the queue is done with the message; may be nil
}

var _ memberlist.UniqueBroadcast = (*broadcast)(nil)

func (b *broadcast) Invalidates(memberlist.Broadcast) bool { return false }
func (b *broadcast) Message() []byte                       { return b.msg }
func (b *broadcast) UniqueBroadcast()                      {}

func (b *broadcast) Finished() {
	if b.notify != nil {
		close(b.notify)
	}
}

// queue adds msg to q, dropping the oldest broadcasts beyond MaxQueueDepth (bounded, as
// everything). notify, if not nil, is closed once the message has been sent as often as
// the queue sends anything (or dropped).
func (s *Serf) queue(q *memberlist.TransmitLimitedQueue, msg []byte, notify chan struct{}) {
	q.QueueBroadcast(&broadcast{msg: msg, notify: notify})
	if q.NumQueued() > s.opts.MaxQueueDepth {
		q.Prune(s.opts.MaxQueueDepth)
	}
}
