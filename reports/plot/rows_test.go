package plot

import (
	"math/rand/v2"
	"testing"
)

// Rows never puts two overlapping spans in one row, and uses as many rows as the most
// spans that overlap at one point (no fewer is possible), on random spans.
func TestRowsNeverOverlap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		spans := make([]Span, 1+r.IntN(12))
		for i := range spans {
			from := float64(r.IntN(40))
			spans[i] = Span{From: from, To: from + 1 + float64(r.IntN(15))}
		}
		rows, n := Rows(spans)
		for i := range spans {
			if rows[i] < 0 || rows[i] >= n {
				t.Fatalf("trial %d: span %d in row %d of %d", trial, i, rows[i], n)
			}
			for j := range i {
				a, b := spans[i], spans[j]
				if rows[i] == rows[j] && a.From < b.To && b.From < a.To {
					t.Fatalf("trial %d: %v and %v overlap in row %d", trial, a, b, rows[i])
				}
			}
		}
		most := 0
		for x := 0.0; x < 60; x += 0.5 {
			k := 0
			for _, s := range spans {
				if s.From <= x && x < s.To {
					k++
				}
			}
			most = max(most, k)
		}
		if n != max(most, 1) {
			t.Fatalf("trial %d: %d rows for spans overlapping at most %d deep: %v", trial, n, most, spans)
		}
	}
}

func TestRowsExamples(t *testing.T) {
	rows, n := Rows([]Span{{10, 20}, {12, 18}, {20, 30}, {0, 5}})
	if n != 2 || rows[0] != 0 || rows[1] != 1 || rows[2] != 0 || rows[3] != 0 {
		t.Errorf("rows %v of %d: want [0 1 0 0] of 2 (touching spans share a row)", rows, n)
	}
	if _, n := Rows(nil); n != 0 {
		t.Errorf("no spans take %d rows", n)
	}
}
