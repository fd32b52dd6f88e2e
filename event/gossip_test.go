package event

import (
	"os"
	"strings"
	"testing"
)

// Every gossip event type is documented in docs/events.md.
func TestGossipTypesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/events.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []Type{MemberUpdate, MemberSuspect, MemberReap, UserEventFired, UserEvent, Query,
		QueryDelivered, QueryAck, QueryResponse, QueryEnd, Handler, TagsSet, Leave, ForceLeave} {
		if !strings.Contains(string(doc), "| `"+string(typ)+"` |") {
			t.Errorf("event type %s is not in docs/events.md's table of gossip events", typ)
		}
	}
}
