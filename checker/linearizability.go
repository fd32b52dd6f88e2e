package checker

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// Verdicts of a read mode, as summary.json spells them.
const (
	Linearizable    = "linearizable"
	NotLinearizable = "not-linearizable"
	// VerdictUnknown: the checker ran out of time on some key before it found a
	// linearization or a violation, and found no violation on any other key: a limit of
	// the checker, not a finding about the run.
	VerdictUnknown = "unknown"
)

// DefaultTimeout is the checker time each key of a read mode gets by default.
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
	// UnknownKeys are the keys whose check ran out of time, in key order: a limit of the
	// checker, never an anomaly. KeyTimeout is the budget each key had (0: none).
	UnknownKeys []string
	KeyTimeout  time.Duration
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
	// Steps counts the model steps of every search, explanations included: the checker's
	// work, the same on every machine for a mode whose keys were all decided.
	Steps int64
	// Elapsed is the wall time the mode's keys took, added up (keys are checked in
	// parallel; not deterministic: keep it out of anything compared between runs).
	Elapsed time.Duration
}

// Linearizability checks each read mode of a run's history that has reads (see
// CheckLinearizability) and says what raft the servers believed at each anomaly. The
// error is the history's (a broken stream) or CheckLinearizability's.
func Linearizability(run *Run, timeout time.Duration) (map[string]Verdict, error) {
	if run.OpsError != nil {
		return nil, run.OpsError
	}
	verdicts, err := CheckLinearizability(run.Ops, timeout)
	if err == nil {
		addRaftContext(verdicts, run.Events)
	}
	return verdicts, err
}

// CheckLinearizability gives every read mode that was called (a get of that mode in ops)
// its own verdict: the writes plus that mode's reads, so a stale read that goes back in
// time fails `stale` and nothing else. Each key of each mode is checked on its own, in
// parallel, with its own budget of timeout (0: no limit): a key that runs out is
// undecided (VerdictUnknown for its mode unless another key showed a violation), which
// is a limit of the checker, never an anomaly. The error names an operation of a kind the
// KV model does not know (a harness bug).
func CheckLinearizability(ops []Op, timeout time.Duration) (map[string]Verdict, error) {
	var modes []string
	for i := range ops {
		switch ops[i].Kind {
		case event.OpGet:
			if !slices.Contains(modes, ops[i].Mode) {
				modes = append(modes, ops[i].Mode)
			}
		case event.OpPut, event.OpCAS, event.OpDelete:
		default:
			return nil, fmt.Errorf("checker: op %s has unknown kind %q", ops[i].ID, ops[i].Kind)
		}
	}
	slices.Sort(modes)

	// One task a key of a mode; the largest first, so that the pool ends together.
	type task struct {
		mode int
		part []porcupine.Operation
		res  keyResult
	}
	verdicts := make([]Verdict, len(modes))
	var tasks []*task
	for m, mode := range modes {
		hist, reads, writes := kvHistory(ops, mode)
		parts := partitionByKey(reduce(hist))
		verdicts[m] = Verdict{Mode: mode, Result: Linearizable, Reads: reads, Writes: writes, Keys: len(parts)}
		for _, p := range parts {
			tasks = append(tasks, &task{mode: m, part: p})
		}
	}
	slices.SortStableFunc(tasks, func(a, b *task) int { return cmp.Compare(len(b.part), len(a.part)) })
	work := make(chan *task)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for t := range work {
				keySlots <- struct{}{}
				t.res = checkKey(t.part, ops, modes[t.mode], timeout)
				<-keySlots
			}
		})
	}
	for _, t := range tasks {
		work <- t
	}
	close(work)
	wg.Wait()

	// Back in key order, so that the verdict does not depend on which task ended first.
	slices.SortStableFunc(tasks, func(a, b *task) int {
		return cmp.Or(cmp.Compare(a.mode, b.mode), cmp.Compare(keyOf(a.part), keyOf(b.part)))
	})
	for _, t := range tasks {
		v, r := &verdicts[t.mode], t.res
		v.Elapsed += r.elapsed
		v.Steps += r.steps
		switch r.result {
		case porcupine.Illegal:
			v.Result = NotLinearizable
			v.AnomalyCount += max(1, len(r.anomalies))
		case porcupine.Unknown:
			v.UnknownKeys = append(v.UnknownKeys, keyOf(t.part))
			if v.Result == Linearizable {
				v.Result = VerdictUnknown
			}
		}
		v.Anomalies = append(v.Anomalies, r.anomalies...)
		v.AnomaliesAtLeast = v.AnomaliesAtLeast || r.atLeast
	}
	out := map[string]Verdict{}
	for _, v := range verdicts {
		slices.SortFunc(v.Anomalies, func(a, b Anomaly) int {
			return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.OpID, b.OpID))
		})
		if v.Mode == modeStale {
			v.Staleness = NewStaleness(ops, v.Mode)
		}
		v.KeyTimeout = timeout
		out[v.Mode] = v
	}
	return out, nil
}

// keyOf is the key of a one-key history.
func keyOf(part []porcupine.Operation) string { return part[0].Input.(kvInput).Key }

// keyResult is one key's check.
type keyResult struct {
	result    porcupine.CheckResult
	anomalies []Anomaly
	atLeast   bool
	elapsed   time.Duration
	steps     int64
}

// modeStale is the read mode that gets a staleness report.
const modeStale = "stale"

// checkKey checks one key's history (reduced) within timeout (0: no limit) and, if it is
// not linearizable, explains it with what is left of the time. It first tries the two
// bounds of bounds.go, which decide most histories in a fraction of the full search.
func checkKey(part []porcupine.Operation, ops []Op, mode string, timeout time.Duration) (r keyResult) {
	start := time.Now()
	defer func() { r.elapsed = time.Since(start) }()
	var deadline time.Time
	if timeout > 0 {
		deadline = start.Add(timeout)
	}
	var steps atomic.Int64
	defer func() { r.steps = steps.Load() }()
	m := searchModel(&steps)
	m.Partition = nil // one key already
	search := func(h []porcupine.Operation) porcupine.CheckResult {
		left, ok := remaining(deadline)
		if !ok {
			return porcupine.Unknown
		}
		return porcupine.CheckOperationsTimeout(m, prepareSearch(narrow(h), true), left)
	}

	illegal := part
	r.result = porcupine.Unknown
	if lower := lowerBound(part); len(lower) < len(part) {
		if search(lower) == porcupine.Ok {
			r.result = porcupine.Ok
			return r
		}
		if upper := upperBound(lower); search(upper) == porcupine.Illegal {
			r.result, illegal = porcupine.Illegal, upper
		}
	}
	if r.result != porcupine.Illegal {
		if r.result = search(part); r.result != porcupine.Illegal {
			return r
		}
	}

	// Explain: name the operation that blocks, leave it out, check again.
	// cur is base as searched; an operation left out goes from base, and base is narrowed
	// again: what it told about the others goes with it.
	base := illegal
	cur := prepareSearch(narrow(base), false)
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
		base = slices.Delete(slices.Clone(base), i, i+1)
		cur = prepareSearch(narrow(base), false)
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

// keySlots bounds the keys searched at once in the whole process, whatever the number of
// runs judged at the same time (a hunt or a sweep with several workers): one a core, so
// concurrent checks share the cores instead of each taking all of them and starving the
// runs. A key's check_timeout runs from when it gets its slot.
var keySlots = make(chan struct{}, runtime.GOMAXPROCS(0))
