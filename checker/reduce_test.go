package checker

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// A cas that answered false, called before an unknown put and returning after its call,
// may be linearized after the put, and the put may be all that explains its failure: the
// put must not be pruned (the bad twin: the cas returned before the put was called, so it
// could only have seen c1-1, and failing on it is an anomaly).
func TestPruneKeepsWriteForOverlappingFailedCAS(t *testing.T) {
	const base = "c1-1 put k1 0 10 ok\nc2-1 get k1 stale 11 12 = c1-1@7\nc1-2 put k1 20 - unknown\n"
	for _, tc := range []struct {
		name, cas, want string
		kept            int
	}{
		{"failed cas returns after the put's call", "c2-2 cas k1 @7 15 60 false", Linearizable, 4},
		{"failed cas returns at the put's call", "c2-2 cas k1 @7 15 20 false", Linearizable, 4},
		{"failed cas returns before the put's call", "c2-2 cas k1 @7 15 19 false", NotLinearizable, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops := parseOps(t, base+tc.cas)
			hist, _, _ := kvHistory(ops, "stale")
			if n := len(pruneUnobserved(hist)); n != tc.kept {
				t.Errorf("%d operations kept after pruning, want %d", n, tc.kept)
			}
			if got := plainVerdict(ops, "stale"); got != tc.want {
				t.Fatalf("the unreduced search says %s, want %s: the case is wrong", got, tc.want)
			}
			wantVerdict(t, check(t, base+tc.cas), "stale", tc.want)
		})
	}
}

// An unknown write that a read saw is bounded by the first such read's return; one no read
// saw keeps its open end, and so does one whose only reader returned before its call.
func TestBoundObserved(t *testing.T) {
	ops := parseOps(t, `
c1-1 put k1 0 10 unknown
c1-2 put k1 20 - unknown
c1-3 put k1 30 - x
c2-1 get k1 default 40 50 = c1-1
c2-2 get k1 default 35 45 = c1-1
c2-3 get k1 default 60 70 = c1-2
c3-1 cas k1 @0 80 90 false
c2-4 get k1 default 25 26 = c1-3
`)
	hist, _, _ := kvHistory(ops, "default")
	got := map[string]int64{}
	for _, h := range boundObserved(hist) {
		got[ops[h.Metadata.(int)].ID] = h.Return
	}
	ms := int64(time.Millisecond)
	if got["c1-1"] != 45*ms || got["c1-2"] != 70*ms || got["c1-3"] != openEnded {
		t.Errorf("returns: c1-1 %d, c1-2 %d, c1-3 %d; want 45 ms, 70 ms, open", got["c1-1"], got["c1-2"], got["c1-3"])
	}
}

// Values no operation reads become one value; identical operations of a key (puts and
// deletes whatever they answered) become twins, ranked by return (open-ended last), then
// call.
func TestAbstractAndTwins(t *testing.T) {
	ops := parseOps(t, `
c1-1 put k1 0 10 ok
c1-2 put k1 30 - x
c1-3 put k1 20 - unknown
c1-4 delete k1 40 - x
c1-5 delete k1 41 - x
c1-6 put k1 50 - x
c2-1 get k1 default 60 70 = c1-6
c2-2 get k1 default 55 65 = c1-6
c1-7 put k2 50 - x
c3-1 cas k1 @0 80 90 false
c1-8 put k1 5 8 ok
`)
	hist, _, _ := kvHistory(ops, "default")
	var got []string
	for _, h := range prepareSearch(abstractUnread(hist), true) {
		in := h.Input.(kvInput)
		v := in.Value
		if v == unreadValue {
			v = "unread"
		}
		twins := "-"
		if o := in.order; o.twin != nil {
			twins = fmt.Sprintf("%d/%d", o.rank, len(o.twin.members))
		}
		got = append(got, fmt.Sprintf("%s %s %s %s", ops[h.Metadata.(int)].ID, in.Op, v, twins))
	}
	want := "c1-1 put unread 1/4, c1-2 put unread 3/4, c1-3 put unread 2/4, c1-4 delete  0/2, c1-5 delete  1/2, " +
		"c1-6 put c1-6 -, c2-1 get  1/2, c2-2 get  0/2, c1-7 put unread -, c3-1 cas unread -, c1-8 put unread 0/4"
	if s := strings.Join(got, ", "); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
}

// plainVerdict is porcupine's verdict on mode's history with no reduction at all.
func plainVerdict(ops []Op, mode string) string {
	hist, _, _ := kvHistory(ops, mode)
	switch porcupine.CheckOperationsTimeout(KVModel(), hist, time.Minute) {
	case porcupine.Ok:
		return Linearizable
	case porcupine.Illegal:
		return NotLinearizable
	}
	return VerdictUnknown
}

// Every reduction, and the bounds, give the verdict of the unreduced search, on thousands
// of small random histories full of what makes them hard: unknown outcomes, cas that
// answered false, overlapping calls, bursts held back and let through at once; half of them
// made wrong on purpose (about a fifth end up not linearizable). Each stage
// is compared on its own, so a failure names the reduction that is unsound.
func TestReductionsKeepVerdicts(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	if s := os.Getenv("CONSIM_CHECKER_HISTORIES"); s != "" {
		n, _ = strconv.Atoi(s) // a longer hunt: make hunt-checker
	}
	stages := []struct {
		name string
		fn   func([]porcupine.Operation) []porcupine.Operation
	}{
		{"pruneUnobserved", pruneUnobserved},
		{"boundObserved", boundObserved},
		{"abstractUnread", abstractUnread},
		{"narrow", narrow},
		{"prepareSearch", func(h []porcupine.Operation) []porcupine.Operation { return prepareSearch(h, true) }},
	}
	counts := map[string]int{}
	for seed := range uint64(n) {
		ops := randomHistory(seed)
		verdict := Linearizable
		for _, mode := range []string{"default", "stale"} {
			want := plainVerdict(ops, mode)
			if want == VerdictUnknown {
				t.Fatalf("seed %d: the unreduced search timed out on a small history", seed)
			}
			if want == NotLinearizable {
				verdict = want
			}
			plain, _, _ := kvHistory(ops, mode)
			hist := plain
			for _, st := range stages {
				hist = st.fn(hist)
				if got := verdictOf(porcupine.CheckOperationsTimeout(KVModel(), hist, time.Minute)); got != want {
					t.Fatalf("seed %d, %s: after %s the search says %s, the unreduced one %s\n%s",
						seed, mode, st.name, got, want, describeOps(ops))
				}
			}
			// The order explanations search in (no settling) keeps the verdict too.
			if got := verdictOf(porcupine.CheckOperationsTimeout(KVModel(), prepareSearch(narrow(reduce(plain)), false), time.Minute)); got != want {
				t.Fatalf("seed %d, %s: the order for explanations says %s, the unreduced search %s\n%s", seed, mode, got, want, describeOps(ops))
			}
			vs, err := CheckLinearizability(ops, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := vs[mode]; ok && v.Result != want {
				got := v.Result
				t.Fatalf("seed %d, %s: the checker says %s, the unreduced search %s\n%s", seed, mode, got, want, describeOps(ops))
			}
		}
		counts[verdict]++
	}
	t.Logf("%d histories: %v", n, counts)
	// The generator must give both kinds in earnest, or the comparison proves little.
	if counts[Linearizable] < n/8 || counts[NotLinearizable] < n/8 {
		t.Errorf("verdicts %v: the generator is lopsided", counts)
	}
}

func verdictOf(r porcupine.CheckResult) string {
	switch r {
	case porcupine.Ok:
		return Linearizable
	case porcupine.Illegal:
		return NotLinearizable
	}
	return VerdictUnknown
}

// describeOps prints a history in parseOps's notation, to paste into a test.
func describeOps(ops []Op) string {
	var b strings.Builder
	ms := func(t event.Time) int64 { return int64(t) / int64(time.Millisecond) }
	for _, op := range ops {
		fmt.Fprintf(&b, "%s %s %s ", op.ID, op.Kind, op.Key)
		switch op.Kind {
		case event.OpGet:
			fmt.Fprintf(&b, "%s ", op.Mode)
		case event.OpCAS:
			fmt.Fprintf(&b, "@%d ", op.CASIndex)
		}
		ret := "-"
		if op.Returned {
			ret = fmt.Sprint(ms(op.Return))
		}
		fmt.Fprintf(&b, "%d %s ", ms(op.Call), ret)
		switch {
		case !op.Returned:
			b.WriteString("x")
		case op.Kind == event.OpGet && op.Status == event.StatusOK && !op.Found:
			b.WriteString("= missing")
		case op.Kind == event.OpGet && op.Status == event.StatusOK:
			fmt.Fprintf(&b, "= %s@%d", op.Read, op.ModifyIndex)
		case op.Status == event.StatusOK:
			b.WriteString("ok")
		case op.Status == event.StatusFail && op.Code == http.StatusOK:
			b.WriteString("false")
		case op.Status == event.StatusFail:
			b.WriteString("fail")
		default:
			b.WriteString("unknown")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// randomHistory is a small history on one or two keys by three or four clients (waiting
// for each answer or not), from a
// store that applies each operation at a random point of its interval (an unknown write
// may apply after its client gave up, or never), then, half the time, made wrong in one
// to three places: a read returns another value, a cas the other answer, or an interval shrinks
// before the point the store applied it. Every value is its op id, as the workload's are.
func randomHistory(seed uint64) []Op {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	const ms = event.Time(time.Millisecond)
	type planned struct {
		op     Op
		effect event.Time // -1: never
	}
	var all []*planned
	keys := 1 + rng.IntN(2)
	// Half the histories hold back every request called within a window, as a partition
	// or a pause does, and answer them all just after it, each taking effect at a random
	// point of that answer: a burst of long, overlapping operations.
	// Clients are closed-loop (each waits for its answer), or, half the time, open-loop (they
	// send at their pace, as the workload's clients do, with many requests in flight).
	openLoop := rng.IntN(2) == 0
	holdFrom, holdTo := event.Time(-1), event.Time(-1)
	if rng.IntN(2) == 0 {
		holdFrom = event.Time(rng.IntN(40)) * ms
		holdTo = holdFrom + event.Time(10+rng.IntN(40))*ms
	}
	for c := range 3 + rng.IntN(2) {
		client := fmt.Sprintf("c%d", c+1)
		at := event.Time(rng.IntN(10)) * ms
		for i := range 2 + rng.IntN(3) {
			p := &planned{op: Op{ID: fmt.Sprintf("%s-%d", client, i+1), Client: client, Via: "server-1",
				Key: fmt.Sprintf("k%d", rng.IntN(keys)), Call: at, Returned: true, Status: event.StatusOK, Code: http.StatusOK}}
			lat := event.Time(1+rng.IntN(30)) * ms
			p.op.Return = at + lat
			p.effect = at + event.Time(rng.Int64N(int64(lat)+1))
			if at >= holdFrom && at < holdTo {
				p.op.Return = holdTo + event.Time(1+rng.IntN(5))*ms
				p.effect = holdTo + event.Time(rng.Int64N(int64(p.op.Return-holdTo)+1))
			}
			switch x := rng.IntN(100); {
			case x < 40:
				p.op.Kind, p.op.Mode = event.OpGet, []string{"default", "stale"}[rng.IntN(2)]
			case x < 65:
				p.op.Kind, p.op.Value = event.OpPut, p.op.ID
			case x < 90:
				p.op.Kind, p.op.Value = event.OpCAS, p.op.ID
			default:
				p.op.Kind = event.OpDelete
			}
			if p.op.Kind != event.OpGet && rng.IntN(3) == 0 {
				// Unknown: timed out or never answered; applied at any time after its
				// call (even after the timeout), or never.
				p.op.Status, p.op.Code = event.StatusUnknown, 0
				if rng.IntN(3) == 0 {
					p.op.Returned, p.op.Status = false, ""
				}
				p.effect = -1
				if rng.IntN(2) == 0 {
					p.effect = at + event.Time(rng.Int64N(int64(60*ms)))
				}
			}
			all = append(all, p)
			if openLoop {
				at += event.Time(rng.IntN(8)) * ms
			} else {
				at = p.op.Return + event.Time(rng.IntN(5))*ms
			}
		}
	}
	byEffect := slices.Clone(all)
	order := func(p *planned) event.Time {
		if p.effect < 0 {
			return 1<<62 + p.op.Call // never: after everything, in call order
		}
		return p.effect
	}
	slices.SortStableFunc(byEffect, func(a, b *planned) int { return cmp.Compare(order(a), order(b)) })
	type entry struct {
		present bool
		value   string
		index   uint64
	}
	store := map[string]entry{}
	lastRead := map[string]uint64{} // client+key -> the ModifyIndex it last read
	raftIndex := uint64(10)
	for _, p := range byEffect {
		op := &p.op
		ck := op.Client + "/" + op.Key
		if op.Kind == event.OpCAS {
			switch rng.IntN(4) {
			case 0:
				op.CASIndex = 0
			case 1:
				op.CASIndex = 10 + uint64(rng.IntN(int(raftIndex-9)))
			default:
				op.CASIndex = lastRead[ck]
			}
		}
		if p.effect < 0 {
			continue
		}
		e := store[op.Key]
		switch op.Kind {
		case event.OpGet:
			op.Found, op.Read, op.ModifyIndex = e.present, e.value, e.index
			if !e.present {
				op.Code = http.StatusNotFound
			}
			lastRead[ck] = e.index
		case event.OpPut:
			raftIndex++
			store[op.Key] = entry{true, op.Value, raftIndex}
		case event.OpDelete:
			raftIndex++
			store[op.Key] = entry{}
		case event.OpCAS:
			raftIndex++
			if (op.CASIndex == 0 && !e.present) || (e.present && e.index == op.CASIndex) {
				store[op.Key] = entry{true, op.Value, raftIndex}
			} else if op.Status == event.StatusOK {
				op.Status = event.StatusFail // answered false
			}
		}
	}
	ops := make([]Op, len(all))
	for i, p := range all {
		ops[i] = p.op
	}
	if rng.IntN(2) == 0 {
		for range 1 + rng.IntN(3) {
			corrupt(rng, ops)
		}
	}
	slices.SortStableFunc(ops, func(a, b Op) int { return cmp.Compare(a.Call, b.Call) })
	return ops
}

// corrupt makes one operation of ops wrong.
func corrupt(rng *rand.Rand, ops []Op) {
	op := &ops[rng.IntN(len(ops))]
	switch {
	case op.Kind == event.OpGet:
		var values []string
		for _, o := range ops {
			if o.Value != "" && o.Key == op.Key {
				values = append(values, o.Value)
			}
		}
		if len(values) == 0 || rng.IntN(4) == 0 {
			op.Found, op.Read, op.Code = false, "", http.StatusNotFound
		} else {
			op.Found, op.Read, op.Code = true, values[rng.IntN(len(values))], http.StatusOK
		}
	case op.Kind == event.OpCAS && op.Status == event.StatusOK:
		op.Status = event.StatusFail
	case op.Kind == event.OpCAS && op.Status == event.StatusFail:
		op.Status = event.StatusOK
	case op.Returned:
		op.Return = op.Call + event.Time(time.Millisecond)
	}
}
