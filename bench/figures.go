package bench

import (
	"math"
	"slices"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/reports"
)

// Stats are the figures of a set of requests: how they ended, and the latency of those
// that were answered, in milliseconds of virtual time (op_return.t - op_call.t), as
// summary.json's workload rows measure it.
type Stats struct {
	// Count is the requests answered (ok or fail): those whose latency is measured. A
	// failed check-and-set went through raft as a successful one did.
	Count   int `json:"count"`
	OK      int `json:"ok"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
	// InFlight is the requests still in flight when the run ended (outcome unknown).
	InFlight int `json:"in_flight"`
	// Percentiles are nearest-rank, as summary.json's: p99 is the smallest latency at
	// least 99% of the answered requests did not exceed. Null when none was answered.
	MeanMS *float64 `json:"mean_ms"`
	P50MS  *float64 `json:"p50_ms"`
	P90MS  *float64 `json:"p90_ms"`
	P99MS  *float64 `json:"p99_ms"`
	P999MS *float64 `json:"p999_ms"`
	MaxMS  *float64 `json:"max_ms"`
	// Throughput is the requests answered a second within the workload's window (from
	// its start to its stop), over every seed: what the cluster served of what was offered.
	Throughput float64 `json:"throughput_per_s"`
}

// sample is the raw material of Stats: requests' outcomes and latencies.
type sample struct {
	ok, fail, unknown, inFlight int
	latencies                   []time.Duration
	inWindow                    int // answered with a return within the window
}

func (s *sample) add(op *checker.Op, from, to time.Duration) {
	switch {
	case !op.Returned:
		s.inFlight++
	case op.Status == event.StatusOK:
		s.ok++
	case op.Status == event.StatusFail:
		s.fail++
	default:
		s.unknown++
	}
	if op.Answered() {
		s.latencies = append(s.latencies, op.Latency())
		if r := op.Return.D(); r >= from && r <= to {
			s.inWindow++
		}
	}
}

func (s *sample) merge(o *sample) {
	s.ok += o.ok
	s.fail += o.fail
	s.unknown += o.unknown
	s.inFlight += o.inFlight
	s.latencies = append(s.latencies, o.latencies...)
	s.inWindow += o.inWindow
}

// stats computes the figures; window is the measured time, summed over seeds.
func (s *sample) stats(window time.Duration) Stats {
	st := Stats{Count: len(s.latencies), OK: s.ok, Fail: s.fail, Unknown: s.unknown, InFlight: s.inFlight}
	if window > 0 {
		st.Throughput = round3(float64(s.inWindow) / window.Seconds())
	}
	if len(s.latencies) == 0 {
		return st
	}
	l := slices.Sorted(slices.Values(s.latencies))
	var sum time.Duration
	for _, d := range l {
		sum += d
	}
	st.MeanMS = ms(sum / time.Duration(len(l)))
	st.P50MS = ms(reports.Percentile(l, 50))
	st.P90MS = ms(reports.Percentile(l, 90))
	st.P99MS = ms(reports.Percentile(l, 99))
	st.P999MS = ms(reports.Percentile(l, 99.9))
	st.MaxMS = ms(l[len(l)-1])
	return st
}

// cellKey names a cell within a run: an operation, its read mode ("" for writes) and the
// path it took.
type cellKey struct{ op, mode, path string }

// runSamples sorts a run's workload requests into the matrix's cells; requests of other
// roles (a candidate, a server that was down) and the final reads after the liveness
// phase (the lost-writes check's, not the offered load) go to no cell but count in all.
func runSamples(ops []checker.Op, m *Matrix, from, to time.Duration) (cells map[cellKey]*sample, all *sample) {
	role := map[string]string{}
	for _, p := range m.Paths {
		role[pathRole[p]] = p
	}
	cells, all = map[cellKey]*sample{}, &sample{}
	for i := range ops {
		op := &ops[i]
		if op.Client == event.FinalClient {
			continue
		}
		all.add(op, from, to)
		path, ok := role[op.ViaRole]
		if !ok || !slices.Contains(m.Ops, op.Kind) || op.Kind == event.OpGet && !slices.Contains(m.Modes, op.Mode) {
			continue
		}
		k := cellKey{op.Kind, op.Mode, path}
		if cells[k] == nil {
			cells[k] = &sample{}
		}
		cells[k].add(op, from, to)
	}
	return cells, all
}

// ms is d in milliseconds, rounded to microseconds (as summary.json's).
func ms(d time.Duration) *float64 {
	v := math.Round(float64(d)/float64(time.Microsecond)) / 1000
	return &v
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
