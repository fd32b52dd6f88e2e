package sim_test

import (
	"testing"

	"github.com/consim/consim/checker"
)

// On a healthy cluster (the read-latency scenario, cut to 12 s: about 750 operations
// through the leader, a follower and a client agent) the reads that promise
// linearizability keep it, and every mode that was read gets a verdict.
func TestReadLatencyLinearizable(t *testing.T) {
	res := readLatencyRun(t)
	vs, err := checker.Linearizability(checker.NewRun(res.Events), checker.DefaultTimeout)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"default", "consistent", "stale"} {
		v, ok := vs[mode]
		if !ok {
			t.Errorf("no verdict for %s", mode)
			continue
		}
		t.Logf("%-10s %s: %d reads, %d writes, %d keys, checked in %s", mode, v.Result, v.Reads, v.Writes, v.Keys, v.Elapsed)
		if v.Reads < 50 || v.Writes < 50 {
			t.Errorf("%s: only %d reads and %d writes checked", mode, v.Reads, v.Writes)
		}
		if mode == "stale" {
			if st := v.Staleness; st == nil || st.Reads != v.Reads {
				t.Errorf("stale: staleness %+v does not cover the %d reads", st, v.Reads)
			} else {
				t.Logf("stale reads behind: %d of %d; versions %+v, ms %+v", st.Behind, st.Reads, *st.VersionsBehind, *st.MSBehind)
			}
			continue
		}
		if v.Result != checker.Linearizable {
			var why []string
			for _, a := range v.Anomalies {
				why = append(why, a.Explanation)
			}
			t.Errorf("%s reads on a healthy cluster are %s: %v (unknown keys %v)", mode, v.Result, why, v.UnknownKeys)
		}
	}
}
