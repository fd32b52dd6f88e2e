package serf

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/consim/consim/node/serf/filter"
)

var sampleMessages = []message{
	&leaveIntent{LTime: 7, Node: "node-1", Prune: true},
	&joinIntent{LTime: math.MaxUint64, Node: "n"},
	&userEventMsg{LTime: 300, Prev: 299, Origin: "a", Name: "deploy", Payload: []byte{0, 1, 2}, Coalesce: true,
		Filter: filter.Filter{Nodes: []string{"x", "y"}, Tags: map[string]string{"role": "web", "dc": "e.*"}}},
	&userEventMsg{LTime: 1, Origin: "a", Name: "e"},
	&queryMsg{LTime: 9, ID: math.MaxUint32, Origin: "o", Addr: "127.0.0.1:7946", Ack: true, Relay: 3, Timeout: 5 * time.Second,
		Name: "q", Payload: []byte("p"), Filter: filter.Filter{Tags: map[string]string{"k": "v"}}},
	&queryResponseMsg{LTime: 9, ID: 4, From: "f", Ack: true},
	&queryResponseMsg{LTime: 9, ID: 4, From: "f", Payload: []byte("answer")},
	&relayMsg{DestAddr: "127.0.0.1:1", DestName: "o", Msg: []byte{5, 6}},
	&pushPullMsg{LTime: 3, StatusLTimes: []nodeLTime{{"a", 1}, {"b", 2}}, Left: []string{"b"}, EventLTime: 10,
		Events: []userEventMsg{{LTime: 8, Origin: "a", Name: "x"}, {LTime: 9, Prev: 8, Origin: "a", Name: "y", Payload: []byte("z")}}, QueryLTime: 4},
}

func TestMessagesRoundTrip(t *testing.T) {
	for _, m := range sampleMessages {
		raw := m.encode()
		got, err := decodeMessage(raw)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("round trip of %T:\n got %+v\nwant %+v", m, got, m)
		}
		// Every truncation is an error, never a panic or a silently short message.
		for i := range len(raw) {
			if _, err := decodeMessage(raw[:i]); err == nil {
				t.Errorf("%T truncated to %d of %d bytes decoded", m, i, len(raw))
			}
		}
		if _, err := decodeMessage(append(raw, 0)); err == nil {
			t.Errorf("%T with a trailing byte decoded", m)
		}
	}
	if _, err := decodeMessage([]byte{99}); err == nil {
		t.Error("unknown type decoded")
	}
	if lt := peekLTime(sampleMessages[2].encode()); lt != 300 {
		t.Errorf("peekLTime = %d", lt)
	}
}

func TestTagsEncoding(t *testing.T) {
	tags := map[string]string{"role": "server", "dc": "dc1", "port": "8300"}
	a, err := encodeTags(tags)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := encodeTags(map[string]string{"port": "8300", "role": "server", "dc": "dc1"})
	if string(a) != string(b) {
		t.Error("tag encoding depends on map order")
	}
	got, err := decodeTags(a)
	if err != nil || !reflect.DeepEqual(got, tags) {
		t.Errorf("decodeTags = %v, %v", got, err)
	}
	if got, err := decodeTags(nil); err != nil || len(got) != 0 {
		t.Errorf("empty meta: %v, %v", got, err)
	}
	if _, err := decodeTags([]byte{2, 0}); err == nil {
		t.Error("unknown tag version accepted")
	}
}

func TestLamportClock(t *testing.T) {
	var c LamportClock
	if c.Time() != 0 || c.Increment() != 1 || c.Time() != 1 {
		t.Fatal("increment")
	}
	c.Witness(41)
	if c.Time() != 42 {
		t.Fatalf("witness 41: time %d, want 42", c.Time())
	}
	c.Witness(10)
	if c.Time() != 42 {
		t.Fatalf("witness of the past moved the clock to %d", c.Time())
	}
}

// Whatever arrives on the wire, decoding never panics, and what decodes re-encodes to the
// same bytes (the format has one encoding per message).
func FuzzDecodeMessage(f *testing.F) {
	for _, m := range sampleMessages {
		f.Add(m.encode())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeMessage(b)
		if err != nil {
			return
		}
		if again := m.encode(); string(again) != string(b) {
			// Maps and empty lists have one canonical form: a decoded message that
			// re-encodes differently came in a non-canonical form (duplicate keys,
			// say); it must at least decode to the same value.
			m2, err := decodeMessage(again)
			if err != nil || !reflect.DeepEqual(m, m2) {
				t.Fatalf("re-encoding changed the message: %v", err)
			}
		}
	})
}
