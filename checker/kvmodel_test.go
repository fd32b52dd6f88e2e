package checker

import (
	"testing"

	"github.com/anishathalye/porcupine"
)

// Every operation kind, with a step the model must allow and one it must refuse.
func TestKVModelSteps(t *testing.T) {
	absent, a := kvState{}, kvState{Present: true, Value: "a"}
	put := kvInput{Key: "k", Op: "put", Value: "b"}
	casA := kvInput{Key: "k", Op: "cas", Value: "b", Expect: expectValue, ExpectValue: "a"}
	cas0 := kvInput{Key: "k", Op: "cas", Value: "b", Expect: expectAbsent}
	casAny := kvInput{Key: "k", Op: "cas", Value: "b", Expect: expectUnknown}
	b := kvState{Present: true, Value: "b"}
	for _, tc := range []struct {
		name  string
		state kvState
		in    kvInput
		out   kvOutput
		ok    bool
		next  kvState
	}{
		{"get sees the value", a, kvInput{Op: "get"}, kvOutput{Found: true, Value: "a"}, true, a},
		{"get sees another value", a, kvInput{Op: "get"}, kvOutput{Found: true, Value: "x"}, false, a},
		{"get sees missing", absent, kvInput{Op: "get"}, kvOutput{}, true, absent},
		{"get misses a present key", a, kvInput{Op: "get"}, kvOutput{}, false, a},
		{"put writes", absent, put, kvOutput{}, true, b},
		{"put of unknown outcome writes when placed", a, put, kvOutput{Unknown: true}, true, b},
		{"delete removes", a, kvInput{Op: "delete"}, kvOutput{}, true, absent},
		{"cas on the expected value succeeds", a, casA, kvOutput{OK: true}, true, b},
		{"cas on another value cannot succeed", b, casA, kvOutput{OK: true}, false, b},
		{"cas on another value fails", b, casA, kvOutput{}, true, b},
		{"cas on the expected value cannot fail", a, casA, kvOutput{}, false, a},
		{"create-only cas on a missing key succeeds", absent, cas0, kvOutput{OK: true}, true, b},
		{"create-only cas on a present key cannot succeed", a, cas0, kvOutput{OK: true}, false, a},
		{"create-only cas on a present key fails", a, cas0, kvOutput{}, true, a},
		{"cas of unknown outcome applies when its condition holds", a, casA, kvOutput{Unknown: true}, true, b},
		{"cas of unknown outcome is a no-op when it does not", absent, casA, kvOutput{Unknown: true}, true, absent},
		{"cas with an index no read saw succeeds anywhere", absent, casAny, kvOutput{OK: true}, true, b},
	} {
		ok, next := kvStep(tc.state, tc.in, tc.out)
		if ok != tc.ok || (ok && next != tc.next) {
			t.Errorf("%s: step(%s, %s) = %t, %s; want %t, %s", tc.name, tc.state,
				describeKVOp(tc.in, tc.out), ok, next, tc.ok, tc.next)
		}
	}
}

// The model works with porcupine directly, partitioned by key: a good and a bad pair.
func TestKVModelWithPorcupine(t *testing.T) {
	op := func(key, kind, value string, found bool, call, ret int64) porcupine.Operation {
		in := kvInput{Key: key, Op: kind}
		out := kvOutput{}
		if kind == "put" {
			in.Value = value
		} else {
			out.Found, out.Value = found, value
		}
		return porcupine.Operation{Input: in, Output: out, Call: call, Return: ret}
	}
	good := []porcupine.Operation{
		op("x", "put", "1", false, 0, 10),
		op("y", "put", "2", false, 0, 10),
		op("x", "get", "1", true, 11, 12),
		op("y", "get", "2", true, 11, 12),
	}
	if !porcupine.CheckOperations(KVModel(), good) {
		t.Error("a history where each key reads its own write is not linearizable")
	}
	bad := append(good, op("x", "get", "2", true, 13, 14)) // y's value read from x
	if porcupine.CheckOperations(KVModel(), bad) {
		t.Error("x read y's value and the history is linearizable")
	}
}
