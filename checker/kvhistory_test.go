package checker

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consim/consim/event"
)

// parseOps builds a hand-made history, one operation a line, times in milliseconds of
// virtual time ("-" for a return that never came). The value a write writes is its id.
//
//	c1-1 put k1 0 10 ok                    put, delete: status ok, fail (a 4xx) or unknown
//	c1-2 cas k1 @7 20 30 ok                cas with index 7: ok, false (answered false), fail, unknown
//	c2-1 get k1 default 12 14 = c1-1@7     get: = VALUE[@MODIFYINDEX], = missing, fail, unknown
//	... via=server-3                       optional: the agent called (default server-1)
func parseOps(t *testing.T, text string) []Op {
	t.Helper()
	var ops []Op
	for n, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		op := Op{ID: f[0], Client: strings.Split(f[0], "-")[0], Kind: f[1], Key: f[2], Via: "server-1"}
		if v, ok := strings.CutPrefix(f[len(f)-1], "via="); ok {
			op.Via, f = v, f[:len(f)-1]
		}
		rest := f[3:]
		switch op.Kind {
		case event.OpGet:
			op.Mode, rest = rest[0], rest[1:]
		case event.OpCAS:
			op.CASIndex, rest = mustUint(t, strings.TrimPrefix(rest[0], "@")), rest[1:]
			op.Value = op.ID
		case event.OpPut:
			op.Value = op.ID
		}
		op.Call = event.Time(mustUint(t, rest[0])) * event.Time(time.Millisecond)
		if rest[1] != "-" {
			op.Returned = true
			op.Return = event.Time(mustUint(t, rest[1])) * event.Time(time.Millisecond)
		}
		outcome := rest[2:]
		op.Status, op.Code = event.StatusOK, http.StatusOK
		switch {
		case !op.Returned:
			op.Status, op.Code = "", 0
		case outcome[0] == "=" && outcome[1] == "missing":
			op.Code = http.StatusNotFound
		case outcome[0] == "=":
			op.Found = true
			op.Read = outcome[1]
			if v, idx, ok := strings.Cut(outcome[1], "@"); ok {
				op.Read, op.ModifyIndex = v, mustUint(t, idx)
			}
		case outcome[0] == "ok":
		case outcome[0] == "false":
			op.Status = event.StatusFail
		case outcome[0] == "fail":
			op.Status, op.Code = event.StatusFail, http.StatusBadRequest
		case outcome[0] == "unknown":
			op.Status, op.Code = event.StatusUnknown, 0
		default:
			t.Fatalf("line %d: bad outcome %q", n+1, line)
		}
		ops = append(ops, op)
	}
	return ops
}

func mustUint(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("bad number %q", s)
	}
	return v
}

// The conversion keeps what carries information and drops the rest.
func TestKVHistoryRules(t *testing.T) {
	ops := parseOps(t, `
c1-1 put k1 0 10 ok
c1-2 put k1 20 30 fail
c1-3 put k1 40 - unknown
c1-4 put k1 50 60 unknown
c2-1 get k1 default 12 14 = c1-1@7
c2-2 get k1 default 15 16 fail
c2-3 get k1 stale 17 18 = c1-1@7
c3-1 cas k1 @7 20 30 false
c3-2 cas k1 @9 20 30 false
c3-3 cas k1 @7 20 30 fail
c3-4 cas k1 @9 20 30 ok
c4-1 delete k1 70 - x
`)
	hist, reads, writes := kvHistory(ops, "default")
	var got []string
	for _, h := range hist {
		got = append(got, ops[h.Metadata.(int)].ID+" "+describeKVOp(h.Input.(kvInput), h.Output.(kvOutput)))
		if out := h.Output.(kvOutput); out.Unknown != (h.Return == openEnded) {
			t.Errorf("%s: unknown outcome %t but return %d", ops[h.Metadata.(int)].ID, out.Unknown, h.Return)
		}
	}
	want := []string{
		"c1-1 put k1 := c1-1",
		"c1-3 put k1 := c1-3 (outcome unknown)",
		"c1-4 put k1 := c1-4 (outcome unknown)",
		"c2-1 get k1 = c1-1",
		"c3-1 cas k1 := c3-1 if c1-1: false",
		"c3-4 cas k1 := c3-4 if any value (index not seen by a read): true",
		"c4-1 delete k1 (outcome unknown)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history for default:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if reads != 1 || writes != 6 {
		t.Errorf("reads, writes = %d, %d; want 1, 6", reads, writes)
	}
}
