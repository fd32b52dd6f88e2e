package world

import (
	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
)

// The stream's own types for what the network counts (event.Net, event.Effect) are kept
// apart from netmodel's, so that the stream contract depends on no simulation package;
// these copy one into the other, field by field (TestStreamCountersCopyEveryField).

// streamNet is the network's counters as the stream carries them.
func streamNet(s netmodel.Stats) event.Net {
	return event.Net{
		PacketsSent:              s.PacketsSent,
		PacketsDelivered:         s.PacketsDelivered,
		PacketsDroppedLoss:       s.PacketsDroppedLoss,
		PacketsDroppedBlocked:    s.PacketsDroppedBlocked,
		PacketsDroppedQueue:      s.PacketsDroppedQueue,
		PacketsDroppedInbox:      s.PacketsDroppedInbox,
		PacketsDroppedNoListener: s.PacketsDroppedNoListener,
		PacketsDroppedDown:       s.PacketsDroppedDown,
		PacketsDroppedNoRoute:    s.PacketsDroppedNoRoute,
		StreamsOpened:            s.StreamsOpened,
		StreamsReset:             s.StreamsReset,
		StreamBytes:              s.StreamBytes,
		StreamSegmentsHeld:       s.StreamSegmentsHeld,
		DialsStalled:             s.DialsStalled,
		DialsRefused:             s.DialsRefused,
		DialsTimedOut:            s.DialsTimedOut,
		PacketsDroppedNIC:        s.PacketsDroppedNIC,
		PacketsDroppedImpaired:   s.PacketsDroppedImpaired,
		PacketsDroppedPauseQueue: s.PacketsDroppedPauseQueue,
		PacketsDuplicated:        s.PacketsDuplicated,
		PacketsHeld:              s.PacketsHeld,
		PacketsDelayed:           s.PacketsDelayed,
		PacketsReordered:         s.PacketsReordered,
		StreamSegmentsDelayed:    s.StreamSegmentsDelayed,
	}
}

// addTraffic adds to e what a network fault did to traffic.
func addTraffic(e *event.Effect, t netmodel.Traffic) {
	e.PacketsDropped += t.PacketsDropped
	e.PacketsDuplicated += t.PacketsDuplicated
	e.PacketsDelayed += t.PacketsDelayed
	e.PacketsReordered += t.PacketsReordered
	e.PacketsHeld += t.PacketsHeld
	e.SegmentsHeld += t.SegmentsHeld
	e.SegmentsDelayed += t.SegmentsDelayed
	e.DialsStalled += t.DialsStalled
	e.StreamsReset += t.StreamsReset
}
