package serf

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/consim/consim/node/serf/filter"
)

// collect drains a query's channels until they close; answers come as "FROM: PAYLOAD".
func collect(r *QueryResponse) (acks, from []string) {
	ackCh := r.AckCh()
	respCh := r.ResponseCh()
	for ackCh != nil || respCh != nil {
		select {
		case a, ok := <-ackCh:
			if !ok {
				ackCh = nil
				continue
			}
			acks = append(acks, a)
		case resp, ok := <-respCh:
			if !ok {
				respCh = nil
				continue
			}
			from = append(from, resp.From+": "+string(resp.Payload))
		}
	}
	slices.Sort(acks)
	slices.Sort(from)
	return acks, from
}

// A query reaches every member, but only those its tag filter selects acknowledge it and
// answer; the origin collects the answers until the timeout and counts them. Relayed
// copies of an answer are counted once.
func TestQueryCollectsMatchingAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := map[string]bool{"node-2": true, "node-5": true}
		c := newCluster(t, 20, 6, 0, func(name string, cfg *Config) {
			if db[name] {
				cfg.Tags = map[string]string{"role": "db"}
			}
			// Queries are gossip only, with no anti-entropy: in a cluster this small each
			// member sends a message just 4 times (RetransmitMult x ceil(log10(7))), and
			// about one member in 300 misses every copy. Twice that makes a miss
			// vanishingly rare; 100 members get 12 sends each by default.
			cfg.Memberlist.RetransmitMult = 8
		})
		c.joinAll()
		s := c.get("node-1").s
		if got := s.DefaultQueryTimeout(); got != 200*time.Millisecond*16*1 {
			t.Errorf("default timeout for 6 members: %v", got)
		}
		start := time.Now()
		r, err := s.Query("status", []byte("?"), &QueryParams{
			Filter: filter.Filter{Tags: map[string]string{"role": "db"}}, RequestAck: true, RelayFactor: 2, Timeout: 3 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		acks, from := collect(r)
		if took := time.Since(start); took != 3*time.Second {
			t.Errorf("collection ended after %v, want the 3s timeout", took)
		}
		want := []string{"node-2", "node-5"}
		if !slices.Equal(acks, want) || !slices.Equal(from, []string{"node-2: answer from node-2", "node-5: answer from node-5"}) {
			t.Errorf("acks %v, answers %v; want %v from both", acks, from, want)
		}
		if a, n := r.Counts(); a != 2 || n != 2 || !r.Finished() {
			t.Errorf("counts %d, %d, finished %v", a, n, r.Finished())
		}
		done := c.rec.find(func(rec Record) bool { return rec.Kind == RecordQueryDone })
		if len(done) != 1 || done[0].Acks != 2 || done[0].Responses != 2 || done[0].Self != "node-1" {
			t.Errorf("query-done records: %+v", done)
		}
		got := c.rec.find(func(rec Record) bool { return rec.Kind == RecordQueryReceived })
		var received []string
		for _, g := range got {
			received = append(received, g.Self)
		}
		slices.Sort(received)
		if !slices.Equal(received, want) {
			t.Errorf("query received (selected) on %v, want %v", received, want)
		}

		// An unfiltered query with no ack asked: every member answers, the origin too.
		r, err = c.get("node-4").s.Query("status", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.AckCh() != nil {
			t.Error("AckCh without RequestAck")
		}
		if d := r.Deadline().Sub(time.Now()); d != c.get("node-4").s.DefaultQueryTimeout() {
			t.Errorf("deadline in %v", d)
		}
		_, from = collect(r)
		var wantAll []string
		for _, n := range nodeNames(c) {
			wantAll = append(wantAll, n+": answer from "+n)
		}
		if !slices.Equal(from, wantAll) {
			t.Errorf("unfiltered query answered by %v", from)
		}
		c.shutdown()
	})
}

// Bad queries are refused with a clear error; an answer cannot be sent twice, late or too
// big.
func TestQueryErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var errs []error
		c := newCluster(t, 21, 3, 0, func(name string, cfg *Config) {
			// Before the "all" handler, which answers every query.
			cfg.Handlers = append([]HandlerSpec{{Name: "twice", Filter: "query:twice", Handler: HandlerFunc(func(e Event) {
				q := e.(*Query)
				mu.Lock()
				defer mu.Unlock()
				errs = append(errs, q.Respond(make([]byte, 2000)))
				errs = append(errs, q.Respond([]byte("first")))
				errs = append(errs, q.Respond([]byte("second")))
			})}}, cfg.Handlers...)
		})
		c.joinAll()
		s := c.get("node-1").s
		for _, tc := range []struct {
			name    string
			payload []byte
			p       *QueryParams
			want    string
		}{
			{"big", make([]byte, 1022), nil, "name + payload are 1025 bytes, over the limit of 1024"},
			{"", nil, nil, "empty name"},
			{"relay", nil, &QueryParams{RelayFactor: 4}, "relay factor 4 over the limit of 3"},
			{"bad", nil, &QueryParams{Filter: filter.Filter{Tags: map[string]string{"x": "[z"}}}, "filter: tag x"},
		} {
			if _, err := s.Query(tc.name, tc.payload, tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("query %q: %v, want %q", tc.name, err, tc.want)
			}
		}
		r, err := s.Query("twice", nil, &QueryParams{Timeout: time.Second, Filter: filter.Filter{Nodes: []string{"node-2"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, from := collect(r); !slices.Equal(from, []string{"node-2: first"}) {
			t.Errorf("answers from %v", from)
		}
		mu.Lock()
		if len(errs) != 3 || errs[0] == nil || errs[1] != nil || errs[2] == nil ||
			!strings.Contains(errs[0].Error(), "answer of 2000 bytes") || !strings.Contains(errs[2].Error(), "already answered") {
			t.Errorf("Respond errors: %v", errs)
		}
		mu.Unlock()

		// A handler that answers after the deadline is refused.
		var late error
		done := make(chan struct{})
		c.get("node-3").s.AddHandler(HandlerSpec{Name: "slow", Filter: "query:slow", Handler: HandlerFunc(func(e Event) {
			time.Sleep(2 * time.Second)
			late = e.(*Query).Respond(nil)
			close(done)
		})})
		if err := c.get("node-3").s.AddHandler(HandlerSpec{Name: "bad", Filter: "member-joined", Handler: HandlerFunc(func(Event) {})}); err == nil ||
			!strings.Contains(err.Error(), `handler "bad": serf: unknown event "member-joined"`) {
			t.Errorf("AddHandler with a bad filter: %v", err)
		}
		r, err = s.Query("slow", nil, &QueryParams{Timeout: time.Second, Filter: filter.Filter{Nodes: []string{"node-3"}}})
		if err != nil {
			t.Fatal(err)
		}
		collect(r)
		<-done
		if late == nil || !strings.Contains(late.Error(), "after its deadline") {
			t.Errorf("late answer: %v", late)
		}
		c.shutdown()
	})
}
