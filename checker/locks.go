package checker

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/consim/consim/event"
)

// LockReport judges lock safety from the lock clients' and the servers' lock events: the
// intervals in which two clients believed they held the same lock, what happened at
// each hand-over after an invalidation (did lock-delay keep the next holder out until the
// old one let go?), and fenced writes applied out of LockIndex order.
//
// A client believes it holds a key from a lock_acquire answered held until its
// lock_release or lock_lost (or the end of the stream). Beliefs, not the servers' state,
// are what a lock protects: two clients acting as holders at once is the failure.
type LockReport struct {
	Clients     int `json:"clients"`
	Sessions    int `json:"sessions"`    // sessions created
	Acquired    int `json:"acquired"`    // acquires answered held
	Busy        int `json:"busy"`        // acquires answered false
	Failed      int `json:"failed"`      // acquires with no answer or an error
	Released    int `json:"released"`    // holds ended by a release
	Lost        int `json:"lost"`        // holds ended without one (lock_lost)
	Invalidated int `json:"invalidated"` // sessions the servers invalidated
	// LockDelayRefusals counts acquires the leader refused for lock-delay.
	LockDelayRefusals int `json:"lock_delay_refusals"`
	// Overlaps are the intervals in which two clients believed they held one key, in
	// time order; OverlapSeconds their total length.
	Overlaps       []LockOverlap `json:"overlaps"`
	OverlapSeconds float64       `json:"overlap_seconds"`
	// Handovers are the holds whose session was invalidated while the client still
	// believed it held the key, with what followed.
	Handovers []Handover `json:"handovers"`
	// FencedWrites counts fenced writes, FencedAcknowledged those answered ok;
	// FencedOutOfOrder the acknowledged ones with a LockIndex below that of a fenced
	// write of the same key acknowledged before they were sent.
	FencedWrites       int              `json:"fenced_writes"`
	FencedAcknowledged int              `json:"fenced_acknowledged"`
	FencedOutOfOrder   []FenceViolation `json:"fenced_out_of_order"`
}

// LockOverlap is an interval in which clients A and B both believed they held Key.
type LockOverlap struct {
	Key     string  `json:"key"`
	A       string  `json:"a"`
	B       string  `json:"b"`
	From    float64 `json:"from_s"`
	To      float64 `json:"to_s"`
	Seconds float64 `json:"seconds"`
	// LockDelaySeconds is the lock-delay the servers gave Key when A's session was
	// invalidated during A's hold (0 if none was, or none was given).
	LockDelaySeconds float64 `json:"lock_delay_s"`
}

// Handover is one hold cut short by its session's invalidation: when the servers
// invalidated it (and why, with what lock-delay), when the holder let go, when another
// client next acquired the key, how many acquires lock-delay refused before that, and
// whether the two holds overlapped.
type Handover struct {
	Key          string   `json:"key"`
	Holder       string   `json:"holder"`
	Reason       string   `json:"reason"`
	Invalidated  float64  `json:"invalidated_s"`
	LockDelay    float64  `json:"lock_delay_s"`
	LetGo        *float64 `json:"let_go_s"` // nil: it believed to the end of the run
	Next         string   `json:"next_holder,omitempty"`
	NextAcquired *float64 `json:"next_acquired_s"`
	Refusals     int      `json:"lock_delay_refusals"`
	Overlap      bool     `json:"overlap"`
	// Protected: another client asked for the key while the old holder still believed,
	// and lock-delay refused it until the holder had let go.
	Protected bool `json:"protected_by_lock_delay"`
}

// FenceViolation is an acknowledged fenced write whose LockIndex is below that of an
// earlier acknowledged write of the same key (which returned before it was sent).
type FenceViolation struct {
	Key       string  `json:"key"`
	OpID      string  `json:"op_id"`
	Client    string  `json:"client"`
	LockIndex uint64  `json:"lock_index"`
	At        float64 `json:"at_s"`
	After     string  `json:"after_op_id"`
	AfterLock uint64  `json:"after_lock_index"`
}

// hold is one client's belief that it holds a key.
type hold struct {
	client, key, session string
	from, to             time.Duration
	open                 bool // to the end of the stream
}

// Locks judges the run's lock events; nil when it has none (no lock clients).
func Locks(run *Run) *LockReport {
	var r LockReport
	var holds []*hold
	open := map[string]*hold{} // client/key -> the hold in progress
	clients := map[string]bool{}
	type inval struct {
		at    time.Duration
		delay time.Duration
		why   string
	}
	invals := map[string]inval{} // session -> its first invalidation
	var refusals []event.Event
	type fcall struct {
		ev   event.Event
		sent time.Duration
	}
	fcalls := map[string]fcall{}
	type fack struct {
		key        string
		op, client string
		lock       uint64
		sent, back time.Duration
	}
	var facks []fack
	var end time.Duration
	seen := false
	for _, ev := range run.Events {
		end = max(end, ev.T.D())
		switch ev.Type {
		case event.LockSession:
			seen, clients[ev.Client] = true, true
			if ev.Status == event.StatusOK {
				r.Sessions++
			}
		case event.LockAcquire:
			seen, clients[ev.Client] = true, true
			switch ev.Status {
			case event.LockHeld:
				r.Acquired++
				h := &hold{client: ev.Client, key: ev.Key, session: ev.Session, from: ev.T.D(), open: true}
				holds = append(holds, h)
				open[ev.Client+"/"+ev.Key] = h
			case event.LockBusy:
				r.Busy++
			default:
				r.Failed++
			}
		case event.LockRelease, event.LockLost:
			if ev.Type == event.LockRelease {
				r.Released++
			} else {
				r.Lost++
			}
			if h := open[ev.Client+"/"+ev.Key]; h != nil {
				h.to, h.open = ev.T.D(), false
				delete(open, ev.Client+"/"+ev.Key)
			}
		case event.SessionInvalidate:
			seen = true
			if _, ok := invals[ev.Session]; !ok {
				invals[ev.Session] = inval{at: ev.T.D(), delay: ev.LockDelay.D(), why: ev.Reason}
				r.Invalidated++
			}
		case event.LockDelayed:
			seen = true
			r.LockDelayRefusals++
			refusals = append(refusals, ev)
		case event.FenceCall:
			r.FencedWrites++
			fcalls[ev.OpID] = fcall{ev: ev, sent: ev.T.D()}
		case event.FenceReturn:
			c, ok := fcalls[ev.OpID]
			if ok && ev.Status == event.StatusOK {
				r.FencedAcknowledged++
				facks = append(facks, fack{key: c.ev.Key, op: ev.OpID, client: c.ev.Client, lock: c.ev.LockIndex, sent: c.sent, back: ev.T.D()})
			}
		}
	}
	if !seen {
		return nil
	}
	r.Clients = len(clients)
	for _, h := range holds {
		if h.open {
			h.to = end
		}
	}

	// Overlaps: every pair of holds of one key by different clients that intersect.
	r.Overlaps = []LockOverlap{}
	var total time.Duration
	for i, a := range holds {
		for _, b := range holds[i+1:] {
			if a.key != b.key || a.client == b.client {
				continue
			}
			from, to := max(a.from, b.from), min(a.to, b.to)
			if to <= from {
				continue
			}
			first := a
			if b.from < a.from {
				first = b
			}
			o := LockOverlap{Key: a.key, A: first.client, B: other(first, a, b).client, From: secs(from), To: secs(to), Seconds: secs(to - from)}
			if iv, ok := invals[first.session]; ok && iv.at < first.to {
				o.LockDelaySeconds = secs(iv.delay)
			}
			r.Overlaps = append(r.Overlaps, o)
			total += to - from
		}
	}
	slices.SortFunc(r.Overlaps, func(x, y LockOverlap) int {
		return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.Key, y.Key), cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	r.OverlapSeconds = secs(total)

	// Hand-overs: holds whose session was invalidated while the holder still believed.
	r.Handovers = []Handover{}
	for _, h := range holds {
		iv, ok := invals[h.session]
		if !ok || iv.at < h.from || iv.at >= h.to && !h.open {
			continue
		}
		ho := Handover{Key: h.key, Holder: h.client, Reason: iv.why, Invalidated: secs(iv.at), LockDelay: secs(iv.delay)}
		if !h.open {
			t := secs(h.to)
			ho.LetGo = &t
		}
		var next *hold
		for _, n := range holds {
			if n.key == h.key && n.client != h.client && n.from >= iv.at && (next == nil || n.from < next.from) {
				next = n
			}
		}
		if next != nil {
			t := secs(next.from)
			ho.Next, ho.NextAcquired = next.client, &t
			ho.Overlap = next.from < h.to
		}
		for _, ev := range refusals {
			if ev.Key == h.key && ev.T.D() >= iv.at && (next == nil || ev.T.D() <= next.from) {
				ho.Refusals++
			}
		}
		// Protected: a refusal came while the holder still believed, and no overlap.
		for _, ev := range refusals {
			if ev.Key == h.key && ev.T.D() >= iv.at && ev.T.D() < h.to {
				ho.Protected = !ho.Overlap
				break
			}
		}
		r.Handovers = append(r.Handovers, ho)
	}

	// Fenced writes: an acknowledged write below a write of the same key acknowledged
	// before it was sent was applied after it (real-time order), out of LockIndex order.
	r.FencedOutOfOrder = []FenceViolation{}
	for _, b := range facks {
		var worst *fack
		for i := range facks {
			a := &facks[i]
			if a.key == b.key && a.back < b.sent && a.lock > b.lock && (worst == nil || a.lock > worst.lock) {
				worst = a
			}
		}
		if worst != nil {
			r.FencedOutOfOrder = append(r.FencedOutOfOrder, FenceViolation{Key: b.key, OpID: b.op, Client: b.client,
				LockIndex: b.lock, At: secs(b.back), After: worst.op, AfterLock: worst.lock})
		}
	}
	return &r
}

func other(first, a, b *hold) *hold {
	if first == a {
		return b
	}
	return a
}

// secs is a duration in seconds, rounded to the millisecond.
func secs(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

// Describe says the overlap in words.
func (o LockOverlap) Describe() string {
	s := fmt.Sprintf("%s and %s both believed they held %s for %.3f s (%.3f s to %.3f s)", o.A, o.B, o.Key, o.Seconds, o.From, o.To)
	if o.LockDelaySeconds == 0 {
		s += "; no lock-delay kept " + o.B + " out"
	} else {
		s += fmt.Sprintf("; despite the %.0f s lock-delay given when %s's session was invalidated", o.LockDelaySeconds, o.A)
	}
	return s
}
