package world

import (
	"testing"

	"github.com/consim/consim/event"
	"github.com/consim/consim/node/serf"
)

// The stream spells member statuses as the gossip layer names them: the world writes
// serf.MemberStatus.String() where the checkers read event.Status*.
func TestStreamSpellsMemberStatusesAsTheGossipLayer(t *testing.T) {
	for status, want := range map[serf.MemberStatus]string{
		serf.StatusAlive: event.StatusAlive, serf.StatusLeaving: event.StatusLeaving,
		serf.StatusFailed: event.StatusFailed, serf.StatusLeft: event.StatusLeft,
	} {
		if got := status.String(); got != want {
			t.Errorf("serf status %d is %q in the gossip layer, %q in the stream", status, got, want)
		}
	}
}
