package reports

import (
	"fmt"
	"io"

	"github.com/consim/consim/checker"
)

// gossipStats derives the gossip parts of the summary, each only when the run had any
// user event or query.
func gossipStats(run *checker.Run) (*checker.UserEventStats, *checker.QueryStats) {
	var ue *checker.UserEventStats
	if u := checker.UserEvents(run); u.Fired+u.Rejected > 0 {
		ue = &u
	}
	var q *checker.QueryStats
	if qs := checker.Queries(run); qs.Fired+qs.Rejected > 0 {
		q = &qs
	}
	return ue, q
}

// writeGossip prints user-event delivery and queries, when the run had any.
func writeGossip(w io.Writer, s Summary) {
	if u := s.UserEvents; u != nil {
		fmt.Fprintf(w, "serf       %s fired", count(u.Fired, "user event"))
		if u.Rejected > 0 {
			fmt.Fprintf(w, " (%d refused)", u.Rejected)
		}
		fmt.Fprintf(w, ": %d of %d owed deliveries made, %d missing, %d duplicate(s), %d out of order",
			u.ExpectedDeliveries-u.Missing, u.ExpectedDeliveries, u.Missing, u.Duplicates, u.OutOfOrder)
		if u.Unexpected > 0 {
			fmt.Fprintf(w, ", %d unexpected", u.Unexpected)
		}
		if u.LeftLater > 0 {
			fmt.Fprintf(w, ", %d more to members that went down later (not owed)", u.LeftLater)
		}
		if u.LostWithOrigin > 0 {
			fmt.Fprintf(w, ", %d lost with every member that had it (owed to no one)", u.LostWithOrigin)
		}
		if u.LateJoiners > 0 {
			fmt.Fprintf(w, ", %d to members that joined while it spread", u.LateJoiners)
		}
		if u.Excused > 0 {
			fmt.Fprintf(w, ", %d not owed to joining members", u.Excused)
		}
		if l := u.LatencyMS; l != nil {
			fmt.Fprintf(w, "; latency p50 %.0f ms, p99 %.0f ms, max %.0f ms", l.P50, l.P99, l.Max)
		}
		fmt.Fprintln(w)
	}
	if q := s.Queries; q != nil {
		noun := "queries"
		if q.Fired == 1 {
			noun = "query"
		}
		fmt.Fprintf(w, "queries    %d %s", q.Fired, noun)
		if q.Rejected > 0 {
			fmt.Fprintf(w, " (%d refused)", q.Rejected)
		}
		fmt.Fprintf(w, ": delivered to %d selected member(s), %d ack(s), %d answer(s)\n", q.Delivered, q.Acks, q.Responses)
	}
}
