package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestWriteText(t *testing.T) {
	for _, tc := range []struct {
		name     string
		withheld bool
		wall     time.Duration
		want     string
	}{
		// Converged, one leader at the end, a known wall time.
		{"converged", false, 2500 * time.Millisecond, wantTextConverged},
		// Never converged, no leader at the end, wall time unknown (re-derived).
		{"never converged", true, 0, wantTextNeverConverged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := handMade(tc.withheld)
			var b bytes.Buffer
			WriteText(&b, NewSummary(evs, encode(t, evs), tc.wall))
			goldenText(t, "WriteText", b.Bytes(), tc.want)
			out := b.String()
			// What a person looks for first, whatever the golden says.
			if !strings.HasPrefix(out, "scenario   hand-made (seed 42,") {
				t.Errorf("text does not start with the scenario and seed:\n%s", out)
			}
			if tc.withheld && !strings.Contains(out, "never converged") {
				t.Errorf("text does not say the cluster never converged:\n%s", out)
			}
			if !tc.withheld && !strings.Contains(out, "leader at the end: server-2") {
				t.Errorf("text does not name the leader:\n%s", out)
			}
		})
	}
}

const wantTextConverged = `scenario   hand-made (seed 42, 2 servers, 1 client)
time       10.0 s virtual in 2.50 s wall (4x)
events     16 (stream sha256 c7459244635f3b92)
raft       2 leader election(s); leader at the end: server-2
gossip     all 3 members saw all 3 alive at 0.202 s
network    120 packets sent, 100 delivered, 19 dropped; 9 streams, 4096 stream bytes
leader     0.600 s without a leader in total, longest 0.600 s from 4.000 s
`

// The wall time is unknown here, as for a summary re-derived from a saved stream.
const wantTextNeverConverged = `scenario   hand-made (seed 42, 2 servers, 1 client)
time       10.0 s virtual (wall time unknown)
events     15 (stream sha256 5363956e977338f0)
raft       2 leader election(s); leader at the end: none
gossip     never converged: closest at 0.202 s, when client-1 did not see server-2 alive
network    120 packets sent, 100 delivered, 19 dropped; 9 streams, 4096 stream bytes
leader     0.600 s without a leader in total, longest 0.600 s from 4.000 s
`
