package checker

import "github.com/consim/consim/event"

// QueryStats counts queries and what their origins collected.
type QueryStats struct {
	// Fired is the queries started; Rejected those the origin refused.
	Fired    int `json:"fired"`
	Rejected int `json:"rejected"`
	// Delivered counts the members a query reached and selected (query_delivered).
	Delivered int `json:"delivered"`
	// Acks and Responses are what the origins collected before their timeouts.
	Acks      int `json:"acks"`
	Responses int `json:"responses"`
}

// Queries computes QueryStats from a stream.
func Queries(run *Run) QueryStats {
	events := run.Events
	var st QueryStats
	for _, ev := range events {
		switch ev.Type {
		case event.Query:
			if ev.Reason != "" {
				st.Rejected++
			} else {
				st.Fired++
			}
		case event.QueryDelivered:
			st.Delivered++
		case event.QueryAck:
			st.Acks++
		case event.QueryResponse:
			st.Responses++
		}
	}
	return st
}
