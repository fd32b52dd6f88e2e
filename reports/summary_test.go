package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// goldenText compares output with the expected text written in the test. The expected
// texts live here rather than in testdata/ files; on a difference the test prints the
// whole new output, ready to paste over the old one after review.
func goldenText(t *testing.T, name string, got []byte, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("%s differs from the text in the test; if the change is intended, paste this over it:\n%s", name, got)
	}
}

func at(ms int) event.Time { return event.Time(time.Duration(ms) * time.Millisecond) }

func intp(n int) *int { return &n }

// handMade is a small but complete stream: a 2-server, 1-client cluster that elects
// server-1, loses it, elects server-2, and converges at 0.2016 s unless withheld is set,
// in which case client-1 never sees server-2.
func handMade(withheld bool) []event.Event {
	evs := []event.Event{{Type: event.RunStart, Scenario: "hand-made", Seed: 42, Build: "0123456789ab", Version: "9.9.9", Servers: 2, Clients: 1, Duration: event.Duration(10 * time.Second)}}
	nodes := []string{"server-1", "server-2", "client-1"}
	ms := 100
	for _, o := range nodes {
		for _, m := range nodes {
			if withheld && o == "client-1" && m == "server-2" {
				continue
			}
			evs = append(evs, event.Event{T: at(ms), Type: event.Member, Node: o, Member: m, Status: event.StatusAlive, Addr: "127.0.1.1:8301"})
			ms += 10
		}
	}
	// The last member event is at 180 ms; move it to 201.6 ms to check rounding.
	evs[len(evs)-1].T = event.Time(201600 * time.Microsecond)
	evs = append(evs,
		event.Event{T: at(1000), Type: event.RaftState, Node: "server-1", State: "leader", Term: 2},
		event.Event{T: at(1000), Type: event.Tick, Alive: intp(3), Leaders: []string{"server-1"}, Net: &event.Net{PacketsSent: 5}},
		event.Event{T: at(4000), Type: event.RaftState, Node: "server-1", State: "follower", Term: 3},
		event.Event{T: at(4500), Type: event.RaftState, Node: "server-2", State: "candidate", Term: 3},
		event.Event{T: at(4600), Type: event.RaftState, Node: "server-2", State: "leader", Term: 3},
	)
	end := event.Event{T: at(10000), Type: event.RunEnd, Alive: intp(3), Net: &event.Net{
		PacketsSent: 120, PacketsDelivered: 100, PacketsDroppedLoss: 7, PacketsDroppedBlocked: 5, PacketsDroppedQueue: 3,
		PacketsDroppedInbox: 2, PacketsDroppedNoListener: 1, PacketsDroppedDown: 1, StreamsOpened: 9, StreamsReset: 1,
		StreamBytes: 4096, DialsRefused: 2, DialsTimedOut: 1,
	}}
	if !withheld {
		end.Leaders = []string{"server-2"}
	}
	return append(evs, end)
}

// encode writes events as the guest does: one JSON object per line.
func encode(t *testing.T, evs []event.Event) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, ev := range evs {
		line, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	return b.Bytes()
}

func TestNewSummaryDerivesEveryField(t *testing.T) {
	evs := handMade(false)
	stream := encode(t, evs)
	s := NewSummary(evs, stream, 2500*time.Millisecond)
	sum := sha256.Sum256(stream)
	conv := 0.202 // 0.2016 s, rounded to milliseconds
	want := Summary{
		Scenario: "hand-made", Seed: 42, VirtualSeconds: 10, WallSeconds: 2.5, Speedup: 4,
		Events: len(evs), LeaderElections: 2, ConvergedAtSeconds: &conv,
		SummaryVersion: SummaryVersion, Version: "9.9.9", Build: "0123456789ab",
		StreamSHA256: hex.EncodeToString(sum[:]), Servers: 2, Clients: 1,
		FinalLeaders: []string{"server-2"}, Net: *evs[len(evs)-1].Net,
		// The checkers' reports are pinned by their own tests and by the JSON below.
		Membership: checker.Membership(checker.NewRun(evs)), Leader: checker.Leader(checker.NewRun(evs)), Faults: []Fault{},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("NewSummary:\n got %+v\nwant %+v", s, want)
	}
	if s.ConvergedAtSeconds != nil && *s.ConvergedAtSeconds != conv {
		t.Errorf("converged_at_seconds = %v, want %v", *s.ConvergedAtSeconds, conv)
	}
	goldenText(t, "summary.json", s.JSON(), wantSummaryJSON)
}

// A cluster that never converges says so with null, not 0, and says who missed whom when it
// came closest; a run without a leader at the end lists none as [], not null.
func TestNewSummaryNeverConverged(t *testing.T) {
	evs := handMade(true)
	s := NewSummary(evs, encode(t, evs), time.Second)
	if s.ConvergedAtSeconds != nil {
		t.Errorf("converged_at_seconds = %v, want nil", *s.ConvergedAtSeconds)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(s.JSON(), &m); err != nil {
		t.Fatal(err)
	}
	if nc := s.NotConverged; nc == nil || nc.ClosestAtSeconds != 0.202 || !slices.Equal(nc.Missing, []checker.Unseen{{Observer: "client-1", Member: "server-2"}}) {
		t.Errorf("not_converged = %+v, want client-1 missing server-2 at 0.202 s", nc)
	}
	for key, want := range map[string]string{"converged_at_seconds": "null", "final_leaders": "[]", "leader_elections": "2"} {
		if got := string(m[key]); got != want {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
}

// Speedup is virtual over wall time; with the wall time unknown (a summary re-derived from a
// saved stream) both are 0 rather than infinite.
func TestNewSummarySpeedup(t *testing.T) {
	evs := handMade(false)
	stream := encode(t, evs)
	for _, tc := range []struct {
		wall          time.Duration
		wallS, speedS float64
	}{
		{10 * time.Second, 10, 1},
		{2500 * time.Millisecond, 2.5, 4},
		{40 * time.Second, 40, 0.25},
		{3 * time.Millisecond, 0.003, 3333.333},
		{1234567 * time.Microsecond, 1.235, 8.1}, // 10 / 1.234567 = 8.1000...
		{0, 0, 0},
	} {
		s := NewSummary(evs, stream, tc.wall)
		if s.WallSeconds != tc.wallS || s.Speedup != tc.speedS {
			t.Errorf("wall %s: wall_seconds %v, speedup %v; want %v, %v", tc.wall, s.WallSeconds, s.Speedup, tc.wallS, tc.speedS)
		}
	}
}

// A stream cut short (events.partial.jsonl) has no run_end: no virtual time, no leaders,
// zero counters; the header still names the run.
func TestNewSummaryPartialStream(t *testing.T) {
	evs := handMade(false)
	evs = evs[:len(evs)-1]
	s := NewSummary(evs, encode(t, evs), time.Second)
	if s.Scenario != "hand-made" || s.Seed != 42 || s.VirtualSeconds != 0 || len(s.FinalLeaders) != 0 || s.FinalLeaders == nil || s.Net != (event.Net{}) {
		t.Errorf("partial stream summary: %+v", s)
	}
}

// The stream hash is of the exact bytes: one byte more, another hash.
func TestNewSummaryHashesTheBytes(t *testing.T) {
	evs := handMade(false)
	stream := encode(t, evs)
	a := NewSummary(evs, stream, 0)
	b := NewSummary(evs, append(stream[:len(stream):len(stream)], '\n'), 0)
	if a.StreamSHA256 == b.StreamSHA256 || len(a.StreamSHA256) != 64 {
		t.Errorf("stream hashes %q and %q", a.StreamSHA256, b.StreamSHA256)
	}
	empty := NewSummary(nil, nil, 0)
	if empty.StreamSHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("hash of the empty stream = %s", empty.StreamSHA256)
	}
}

// summary.json's first keys are the ones scripts read; their names and order are part of
// the format.
func TestSummaryJSONKeyOrder(t *testing.T) {
	evs := handMade(false)
	dec := json.NewDecoder(bytes.NewReader(NewSummary(evs, encode(t, evs), time.Second).JSON()))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("summary does not start with an object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"scenario", "seed", "virtual_seconds", "wall_seconds", "speedup", "events", "leader_elections",
		"converged_at_seconds", "summary_version", "consim_version", "guest_build", "stream_sha256", "servers",
		"clients", "final_leaders", "net", "membership", "leader", "faults"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("summary.json keys:\n got %v\nwant %v", keys, want)
	}
}

// wantSummaryJSON is summary.json for handMade(false) with 2.5 s of wall time.
const wantSummaryJSON = `{
  "scenario": "hand-made",
  "seed": 42,
  "virtual_seconds": 10,
  "wall_seconds": 2.5,
  "speedup": 4,
  "events": 16,
  "leader_elections": 2,
  "converged_at_seconds": 0.202,
  "summary_version": 1,
  "consim_version": "9.9.9",
  "guest_build": "0123456789ab",
  "stream_sha256": "c7459244635f3b921a62dcb677eca8ee9f1c2f5c09814b7282bb31a87b29916f",
  "servers": 2,
  "clients": 1,
  "final_leaders": [
    "server-2"
  ],
  "net": {
    "packets_sent": 120,
    "packets_delivered": 100,
    "packets_dropped_loss": 7,
    "packets_dropped_blocked": 5,
    "packets_dropped_queue": 3,
    "packets_dropped_inbox": 2,
    "packets_dropped_no_listener": 1,
    "packets_dropped_down": 1,
    "packets_dropped_no_route": 0,
    "streams_opened": 9,
    "streams_reset": 1,
    "stream_bytes": 4096,
    "stream_segments_held": 0,
    "dials_stalled": 0,
    "dials_refused": 2,
    "dials_timed_out": 1
  },
  "membership": {
    "members": [
      {
        "name": "client-1",
        "status_changes": 0,
        "flaps": 0,
        "suspicions": 0,
        "false_failures": 0
      },
      {
        "name": "server-1",
        "status_changes": 0,
        "flaps": 0,
        "suspicions": 0,
        "false_failures": 0
      },
      {
        "name": "server-2",
        "status_changes": 0,
        "flaps": 0,
        "suspicions": 0,
        "false_failures": 0
      }
    ],
    "status_changes": {
      "client-1": 0,
      "server-1": 0,
      "server-2": 0
    },
    "total_status_changes": 0,
    "total_flaps": 0,
    "total_suspicions": 0,
    "false_failures": {
      "count": 0,
      "unexplained": 0,
      "uninvolved": 0,
      "verdicts": []
    },
    "convergence": {
      "last_fault_end": null,
      "after_faults_s": null,
      "liveness_start": null,
      "after_liveness_s": null
    }
  },
  "leader": {
    "elections": 2,
    "first_leader_at": 1,
    "leaderless_s": 0.6,
    "longest_leaderless_s": 0.6,
    "longest_leaderless_from": 4,
    "terms": [
      {
        "term": 2,
        "leader": "server-1",
        "at": 1
      },
      {
        "term": 3,
        "leader": "server-2",
        "at": 4.6
      }
    ],
    "split_terms": [],
    "max_leaders": 1
  },
  "faults": []
}
`
