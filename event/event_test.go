package event

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Time is written as seconds with exactly nine decimals and read back exactly, for
// whole, sub-second and negative values alike.
func TestTimeRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		text string
	}{
		{0, "0.000000000"},
		{1, "0.000000001"},
		{time.Millisecond, "0.001000000"},
		{500 * time.Millisecond, "0.500000000"},
		{time.Second, "1.000000000"},
		{12*time.Second + 3400*time.Microsecond, "12.003400000"},
		{time.Minute, "60.000000000"},
		{24 * time.Hour, "86400.000000000"},
		{-1, "-0.000000001"},
		{-500 * time.Millisecond, "-0.500000000"},
		{-1500 * time.Millisecond, "-1.500000000"},
		{-3 * time.Second, "-3.000000000"},
		{math.MaxInt64, "9223372036.854775807"},
	} {
		tm := Time(tc.d)
		if got := tm.String(); got != tc.text {
			t.Errorf("Time(%d).String() = %q, want %q", tc.d, got, tc.text)
		}
		b, err := json.Marshal(tm)
		if err != nil || string(b) != tc.text {
			t.Errorf("json.Marshal(Time(%d)) = %s, %v; want %s", tc.d, b, err, tc.text)
			continue
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || back != tm {
			t.Errorf("json.Unmarshal(%s) = %d, %v; want %d", b, back, err, tm)
		}
		if tm.D() != tc.d || tm.Seconds() != tc.d.Seconds() {
			t.Errorf("Time(%d): D() = %s, Seconds() = %v", tc.d, tm.D(), tm.Seconds())
		}
	}
}

// Shorter decimals, as a person or another tool might write them, read exactly: no
// float64 on the way.
func TestTimeReadsShortForms(t *testing.T) {
	for _, tc := range []struct {
		text string
		want time.Duration
	}{
		{"0", 0},
		{"7", 7 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"0.1", 100 * time.Millisecond},
		{"-0.25", -250 * time.Millisecond},
		{"0.000000007", 7},
		{"-0", 0},
		// 0.1+0.2 in float64 is 0.30000000000000004: exact parsing must not care.
		{"0.3", 300 * time.Millisecond},
		{"86400.123456789", 24*time.Hour + 123456789},
	} {
		var got Time
		if err := json.Unmarshal([]byte(tc.text), &got); err != nil {
			t.Errorf("json.Unmarshal(%s): %v", tc.text, err)
			continue
		}
		if got.D() != tc.want {
			t.Errorf("json.Unmarshal(%s) = %s, want %s", tc.text, got.D(), tc.want)
		}
	}
}

// Anything that is not seconds with at most nine decimals is refused, and the target is
// left as it was. Some of these are valid JSON numbers (exponents, too many decimals,
// values beyond int64 nanoseconds); the others are refused by UnmarshalJSON itself even
// though encoding/json would already have refused them.
func TestTimeRejectsBadInput(t *testing.T) {
	for _, text := range []string{
		`""`, `"1.5"`, `null`, `true`, `1e3`, `1E-3`, `0.0000000001`, `1.2345678901`,
		`.5`, `-`, `--1`, `+1`, `1.-5`, `1.+5`, `1.5.`, `0x10`, `1_000`, `1 `, ` 1`, `1s`,
		`10000000000`,           // 1e10 s overflows int64 nanoseconds
		`9223372036.854775808`,  // one nanosecond past the largest Time
		`-9223372037.000000000`, // below the smallest
		`99999999999999999999`,  // beyond int64 seconds
	} {
		tm := Time(42)
		err := tm.UnmarshalJSON([]byte(text))
		if err == nil {
			t.Errorf("UnmarshalJSON(%s) accepted it as %d", text, int64(tm))
			continue
		}
		if tm != 42 {
			t.Errorf("UnmarshalJSON(%s) failed but changed the value to %d", text, int64(tm))
		}
		if !strings.HasPrefix(err.Error(), "event: bad time") {
			t.Errorf("UnmarshalJSON(%s): error %q does not say it is a bad time", text, err)
		}
	}
	// Through encoding/json, as the host reads the stream.
	var ev Event
	if err := json.Unmarshal([]byte(`{"t":10000000000,"type":"tick"}`), &ev); err == nil {
		t.Errorf("an event at t=1e10 s was accepted as t=%s", ev.T)
	}
}

func intp(n int) *int { return &n }

// Every event type round-trips through its JSON line, and a line holds only the fields
// its type uses: T and Type always, the others only when set.
func TestEventJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		ev   Event
		line string
	}{
		{
			Event{Type: RunStart, Scenario: "baseline", Seed: 7, Build: "3f2a9c1b7d20", Version: "0.1.0-dev", Servers: 3, Clients: 2, Duration: Duration(time.Minute)},
			`{"t":0.000000000,"type":"run_start","scenario":"baseline","seed":7,"build":"3f2a9c1b7d20","version":"0.1.0-dev","servers":3,"clients":2,"duration":"1m0s"}`,
		},
		{
			Event{T: Time(3 * time.Millisecond), Type: Member, Node: "server-1", Addr: "127.0.1.2:8301", Member: "server-2", Status: StatusAlive},
			`{"t":0.003000000,"type":"member","node":"server-1","addr":"127.0.1.2:8301","member":"server-2","status":"alive"}`,
		},
		{
			Event{T: Time(1091726710), Type: RaftState, Node: "server-1", State: "leader", Term: 2},
			`{"t":1.091726710,"type":"raft_state","node":"server-1","state":"leader","term":2}`,
		},
		{
			Event{Type: NodeUp, Node: "client-1", Addr: "127.0.2.1", Role: RoleClient},
			`{"t":0.000000000,"type":"node_up","node":"client-1","addr":"127.0.2.1","role":"client"}`,
		},
		{
			Event{T: Time(4 * time.Millisecond), Type: Join, Node: "server-2", Addr: "127.0.1.1:8301", Reason: "dial timeout"},
			`{"t":0.004000000,"type":"join","node":"server-2","addr":"127.0.1.1:8301","reason":"dial timeout"}`,
		},
		{
			// alive is a pointer so that "0 nodes alive" is written, not dropped.
			Event{T: Time(time.Second), Type: Tick, Alive: intp(0), Net: &Net{PacketsSent: 22, PacketsDelivered: 19, StreamBytes: 850}},
			`{"t":1.000000000,"type":"tick","alive":0,"net":{"packets_sent":22,"packets_delivered":19,"packets_dropped_loss":0,"packets_dropped_blocked":0,"packets_dropped_queue":0,"packets_dropped_inbox":0,"packets_dropped_no_listener":0,"packets_dropped_down":0,"packets_dropped_no_route":0,"streams_opened":0,"streams_reset":0,"stream_bytes":850,"stream_segments_held":0,"dials_stalled":0,"dials_refused":0,"dials_timed_out":0}}`,
		},
		{
			Event{T: Time(5 * time.Second), Type: RunEnd, Alive: intp(4), Leaders: []string{"server-1"}, Net: &Net{}},
			`{"t":5.000000000,"type":"run_end","alive":4,"leaders":["server-1"],"net":{"packets_sent":0,"packets_delivered":0,"packets_dropped_loss":0,"packets_dropped_blocked":0,"packets_dropped_queue":0,"packets_dropped_inbox":0,"packets_dropped_no_listener":0,"packets_dropped_down":0,"packets_dropped_no_route":0,"streams_opened":0,"streams_reset":0,"stream_bytes":0,"stream_segments_held":0,"dials_stalled":0,"dials_refused":0,"dials_timed_out":0}}`,
		},
		{
			Event{T: Time(-1), Type: Log, Node: "server-3", Text: `raft: "quoted" <text> & more`},
			`{"t":-0.000000001,"type":"log","node":"server-3","text":"raft: \"quoted\" \u003ctext\u003e \u0026 more"}`,
		},
		{
			Event{Type: "made_up"},
			`{"t":0.000000000,"type":"made_up"}`,
		},
	} {
		b, err := json.Marshal(tc.ev)
		if err != nil {
			t.Errorf("marshal %s: %v", tc.ev.Type, err)
			continue
		}
		if string(b) != tc.line {
			t.Errorf("marshal %s:\n got %s\nwant %s", tc.ev.Type, b, tc.line)
		}
		var back Event
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("unmarshal %s: %v", b, err)
			continue
		}
		if !reflect.DeepEqual(back, tc.ev) {
			t.Errorf("round trip of %s changed the event:\n got %+v\nwant %+v", tc.ev.Type, back, tc.ev)
		}
	}
}

// An event without a time is not an event: "t" is always written, even at zero.
func TestEventAlwaysWritesTimeAndType(t *testing.T) {
	b, err := json.Marshal(Event{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"t":0.000000000,"type":""}`; got != want {
		t.Errorf("zero event = %s, want %s", got, want)
	}
}
