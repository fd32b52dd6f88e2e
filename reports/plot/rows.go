package plot

import (
	"cmp"
	"slices"
)

// Span is an extent on one axis: what a label and its bar take up.
type Span struct{ From, To float64 }

// Rows lays spans out in rows so that no two spans of a row overlap (touching is fine),
// each in the first row free at its start, taking spans in order of start (then of
// index): the usual greedy interval colouring, which uses as few rows as the most spans
// that overlap at one point. It returns each span's row and the number of rows.
func Rows(spans []Span) ([]int, int) {
	order := make([]int, len(spans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(spans[a].From, spans[b].From) })
	rows := make([]int, len(spans))
	var ends []float64 // per row, where its last span ends
	for _, i := range order {
		s := spans[i]
		r := slices.IndexFunc(ends, func(end float64) bool { return end <= s.From })
		if r < 0 {
			r = len(ends)
			ends = append(ends, 0)
		}
		ends[r] = max(s.To, s.From)
		rows[i] = r
	}
	return rows, len(ends)
}
