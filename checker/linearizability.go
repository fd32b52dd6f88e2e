package checker

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/sim/event"
)

// Verdicts of a read mode, as summary.json spells them.
const (
	Linearizable    = "linearizable"
	NotLinearizable = "not-linearizable"
	// VerdictUnknown: the checker ran out of time on some key before it found a
	// linearization or a violation.
	VerdictUnknown = "unknown"
)

// DefaultTimeout is the checker time a read mode gets by default.
const DefaultTimeout = 10 * time.Second

// maxAnomaliesPerKey bounds the explain-and-remove rounds on one key (Verdict.Anomalies).
const maxAnomaliesPerKey = 20

// Verdict is the linearizability verdict of one read mode: all writes plus that mode's
// reads, checked against the KV model (kvmodel.go) one key at a time.
type Verdict struct {
	Mode   string
	Result string // Linearizable, NotLinearizable or VerdictUnknown
	// Reads and Writes count the operations checked (kvHistory's rules), Keys the keys.
	Reads, Writes, Keys int
	// UnknownKeys are the keys whose check ran out of time, in key order.
	UnknownKeys []string
	// Anomalies explains the violations, in call-time order. On a key that is not
	// linearizable the checker explains the operation that blocks the longest partial
	// linearization, leaves it out and checks again, up to maxAnomaliesPerKey times, so
	// the count is how many operations had to go for the rest to linearize (found
	// greedily). AnomaliesAtLeast says that a key hit the bound or the timeout first:
	// there may be more.
	Anomalies        []Anomaly
	AnomaliesAtLeast bool
	// AnomalyCount is len(Anomalies), plus one for each key found not linearizable whose
	// explanation ran out of time.
	AnomalyCount int
	// Staleness is how far behind the stale reads were (stale mode only).
	Staleness *Staleness
	// Elapsed is the wall time the check took (not deterministic: keep it out of
	// anything compared between runs).
	Elapsed time.Duration
}

// Linearizability pairs the workload events into a history and checks each read mode
// that has reads (see CheckLinearizability). The error is History's: a broken stream.
func Linearizability(events []event.Event, timeout time.Duration) (map[string]Verdict, error) {
	ops, err := History(events)
	if err != nil {
		return nil, err
	}
	verdicts, err := CheckLinearizability(ops, timeout)
	if err == nil {
		addRaftContext(verdicts, events)
	}
	return verdicts, err
}

// CheckLinearizability gives every read mode that was called (a get of that mode in ops)
// its own verdict: the writes plus that mode's reads, so a stale read that goes back in
// time fails `stale` and nothing else. timeout bounds each mode's check (0: no limit);
// running out gives VerdictUnknown unless a violation was already found. The error
// names an operation of a kind the KV model does not know (a harness bug).
func CheckLinearizability(ops []Op, timeout time.Duration) (map[string]Verdict, error) {
	modes := map[string]bool{}
	for i := range ops {
		switch ops[i].Kind {
		case event.OpGet:
			modes[ops[i].Mode] = true
		case event.OpPut, event.OpCAS, event.OpDelete:
		default:
			return nil, fmt.Errorf("checker: op %s has unknown kind %q", ops[i].ID, ops[i].Kind)
		}
	}
	verdicts := map[string]Verdict{}
	for mode := range modes {
		verdicts[mode] = checkMode(ops, mode, timeout)
	}
	return verdicts, nil
}

// keyResult is one key's check.
type keyResult struct {
	result    porcupine.CheckResult
	anomalies []Anomaly
	atLeast   bool
}

func checkMode(ops []Op, mode string, timeout time.Duration) Verdict {
	start := time.Now()
	var deadline time.Time
	if timeout > 0 {
		deadline = start.Add(timeout)
	}
	hist, reads, writes := kvHistory(ops, mode)
	parts := partitionByKey(pruneUnobserved(hist))
	v := Verdict{Mode: mode, Result: Linearizable, Reads: reads, Writes: writes, Keys: len(parts)}

	results := make([]keyResult, len(parts))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(parts)) {
		wg.Go(func() {
			for i := range work {
				results[i] = checkKey(parts[i], ops, mode, deadline)
			}
		})
	}
	for i := range parts {
		work <- i
	}
	close(work)
	wg.Wait()

	illegal := false
	for i, r := range results {
		switch r.result {
		case porcupine.Illegal:
			illegal = true
			v.AnomalyCount += max(1, len(r.anomalies))
		case porcupine.Unknown:
			v.UnknownKeys = append(v.UnknownKeys, parts[i][0].Input.(kvInput).Key)
		}
		v.Anomalies = append(v.Anomalies, r.anomalies...)
		v.AnomaliesAtLeast = v.AnomaliesAtLeast || r.atLeast
	}
	switch {
	case illegal:
		v.Result = NotLinearizable
	case len(v.UnknownKeys) > 0:
		v.Result = VerdictUnknown
	}
	slices.SortFunc(v.Anomalies, func(a, b Anomaly) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.OpID, b.OpID))
	})
	if mode == modeStale {
		v.Staleness = NewStaleness(ops, mode)
	}
	v.Elapsed = time.Since(start)
	return v
}

// modeStale is the read mode that gets a staleness report.
const modeStale = "stale"

// checkKey checks one key's history and, if it is not linearizable, explains it.
func checkKey(part []porcupine.Operation, ops []Op, mode string, deadline time.Time) keyResult {
	m := KVModel()
	m.Partition = nil // one key already
	left, ok := remaining(deadline)
	if !ok {
		return keyResult{result: porcupine.Unknown}
	}
	r := keyResult{result: porcupine.CheckOperationsTimeout(m, part, left)}
	if r.result != porcupine.Illegal {
		return r
	}
	cur := part
	for {
		left, ok := remaining(deadline)
		if !ok || len(r.anomalies) == maxAnomaliesPerKey {
			r.atLeast = true
			break
		}
		res, info := porcupine.CheckOperationsVerbose(m, cur, left)
		if res == porcupine.Unknown {
			r.atLeast = true
		}
		if res != porcupine.Illegal {
			break
		}
		a, i := explain(info, cur, ops, mode)
		r.anomalies = append(r.anomalies, a)
		cur = slices.Delete(slices.Clone(cur), i, i+1)
	}
	return r
}

// remaining is the time left before deadline, as porcupine's timeout (zero deadline: no
// limit, porcupine's 0), and false once it has passed.
func remaining(deadline time.Time) (time.Duration, bool) {
	if deadline.IsZero() {
		return 0, true
	}
	left := time.Until(deadline)
	return left, left > 0
}
