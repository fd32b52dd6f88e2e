package checker

import "testing"

// Versions and milliseconds behind count only writes that real time puts between the
// value read and the read.
func TestStaleness(t *testing.T) {
	ops := parseOps(t, `
c1-1 put k1 0 10 ok
c1-2 put k1 20 30 ok
c1-3 put k1 40 50 ok
c1-4 put k1 45 - unknown
c2-1 get k1 stale 60 61 = c1-1
c2-2 get k1 stale 62 63 = c1-3
c2-3 get k1 stale 64 65 = c1-4
c2-4 get k1 stale 25 26 = c1-1
c2-5 get k2 stale 64 65 = missing
c3-1 put k3 0 10 ok
c3-2 delete k3 20 30 ok
c3-3 put k3 40 50 ok
c2-6 get k3 stale 80 81 = missing
c2-7 get k3 stale 80 81 = c9-9
c2-8 get k3 default 80 81 = missing
`)
	st := NewStaleness(ops, "stale")
	// c2-1: c1-2 and c1-3 newer, first acknowledged at 30 ms: 2 versions, 30 ms.
	// c2-6: missing after the delete (acknowledged at 30): c3-3 newer, acknowledged at 50: 1, 30 ms.
	// c2-2, c2-3 (an unknown write), c2-4 (c1-2 not yet acknowledged), c2-5: 0.
	// c2-7 read a value nobody wrote: not measured; c2-8 is another mode.
	if st.Reads != 6 || st.Behind != 2 {
		t.Fatalf("reads %d, behind %d; want 6, 2", st.Reads, st.Behind)
	}
	if v := *st.VersionsBehind; v != (Percentiles{P50: 0, P99: 2, Max: 2}) {
		t.Errorf("versions behind %+v", v)
	}
	if ms := *st.MSBehind; ms != (Percentiles{P50: 0, P99: 30, Max: 30}) {
		t.Errorf("ms behind %+v", ms)
	}
	if none := NewStaleness(nil, "stale"); none.Reads != 0 || none.VersionsBehind != nil {
		t.Errorf("no reads: %+v", none)
	}
}
