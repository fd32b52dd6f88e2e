package checker

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/consim/consim/event"
)

func lostIDs(r LostWritesReport) []string {
	var out []string
	for _, l := range r.Lost {
		out = append(out, l.OpID)
	}
	return out
}

// Histories a correct cluster could end with: nothing is lost, whatever overlapped,
// failed or has an unknown outcome.
func TestLostWritesGood(t *testing.T) {
	for _, tc := range []struct{ name, hist string }{
		{"the last write wins", `
c1-1 put k1 0 10 ok
c2-1 put k1 20 30 ok
final-1 get k1 consistent 100 101 = c2-1`},
		{"concurrent writes may apply in either order", `
c1-1 put k1 0 10 ok
c2-1 put k1 5 15 ok
final-1 get k1 consistent 100 101 = c1-1`},
		{"a write of unknown outcome may apply last of all", `
c1-1 put k1 0 - unknown
c2-1 put k1 20 30 ok
c3-1 delete k1 40 50 ok
final-1 get k1 consistent 100 101 = c1-1`},
		{"failed writes and cas that did not match are not owed", `
c1-1 put k1 0 10 ok
c2-1 put k1 20 30 fail
c3-1 cas k1 @5 40 50 false
final-1 get k1 consistent 100 101 = c1-1`},
		{"a cas that applied, then the final value", `
c1-1 put k1 0 10 ok
c2-1 get k1 default 12 14 = c1-1@7
c2-2 cas k1 @7 20 30 ok
final-1 get k1 consistent 100 101 = c2-2`},
		{"missing after the last delete; earlier deletes and writes before it are fine", `
c1-1 put k1 0 10 ok
c2-1 delete k1 20 30 ok
c1-2 put k1 40 50 ok
c2-2 delete k1 60 70 ok
c3-1 delete k1 65 75 ok
final-1 get k1 consistent 100 101 = missing`},
		{"missing, a delete of unknown outcome explains it", `
c1-1 put k1 0 10 ok
c2-1 delete k1 20 - unknown
c1-2 put k1 40 50 ok
final-1 get k1 consistent 100 101 = missing`},
		{"never written", `
c1-1 get k1 default 0 10 = missing
final-1 get k1 consistent 100 101 = missing`},
		{"a failed final read, then one that answered", `
c1-1 put k1 0 10 ok
final-1 get k1 consistent 100 101 fail
final-2 get k1 consistent 102 103 = c1-1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckLostWrites(parseOps(t, tc.hist))
			if r.Count != 0 || len(r.Lost) != 0 || len(r.Corrupt) != 0 || len(r.Unchecked) != 0 || r.KeysChecked != 1 {
				t.Errorf("%+v, want one key checked and nothing lost", r)
			}
		})
	}
}

// Histories where the cluster ended without an acknowledged write, or with a value
// nobody wrote.
func TestLostWritesBad(t *testing.T) {
	for _, tc := range []struct {
		name, hist string
		lost       []string
		corrupt    int
		explain    string // a substring of the first anomaly's explanation
	}{
		{"a put acknowledged after the final value's write", `
c1-9 put k3 12000 12100 ok
c2-17 put k3 13000 14002 ok
final-1 get k3 consistent 71200 71210 = c1-9`,
			[]string{"c2-17"}, 0,
			"c2 put k3 = c2-17, acknowledged at 14.002 s, is lost: the final consistent read at 71.210 s returned c1-9, written at 12.100 s, before c2-17 was even sent"},
		{"a delete and a cas after it", `
c1-1 put k1 0 10 ok
c2-1 get k1 default 11 12 = c1-1@7
c2-2 delete k1 20 30 ok
c3-1 cas k1 @0 40 50 ok
c3-2 put k1 45 - unknown
final-1 get k1 consistent 100 101 = c1-1`,
			[]string{"c2-2", "c3-1"}, 0,
			"c2 delete k1, acknowledged at 0.030 s, is lost"},
		{"missing, but a put came after the last delete", `
c1-1 put k1 0 10 ok
c2-1 delete k1 20 30 ok
c1-2 put k1 40 50 ok
final-1 get k1 consistent 100 101 = missing`,
			[]string{"c1-2"}, 0,
			"found k1 missing, deleted by c2-1 at 0.030 s, before c1-2 was even sent"},
		{"missing, and nothing deleted it", `
c1-1 put k1 0 10 ok
c2-1 delete k1 20 30 fail
final-1 get k1 consistent 100 101 = missing`,
			[]string{"c1-1"}, 0,
			"found k1 missing, and no delete of k1 ever took effect"},
		{"a value no operation wrote", `
c1-1 put k1 0 10 ok
final-1 get k1 consistent 100 101 = x-1`,
			nil, 1,
			"returned x-1, which no operation ever wrote"},
		{"a value only a failed cas wrote", `
c1-1 put k1 0 10 ok
c2-1 cas k1 @3 20 30 false
final-1 get k1 consistent 100 101 = c2-1`,
			nil, 1,
			"written by c2's cas that was answered as failed (cas did not match)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckLostWrites(parseOps(t, tc.hist))
			if !slices.Equal(lostIDs(r), tc.lost) || len(r.Corrupt) != tc.corrupt || r.Count != len(tc.lost)+tc.corrupt {
				t.Errorf("lost %v, %d corrupt, count %d; want lost %v, %d corrupt", lostIDs(r), len(r.Corrupt), r.Count, tc.lost, tc.corrupt)
			}
			var first string
			switch {
			case len(r.Lost) > 0:
				first = r.Lost[0].Explanation
			case len(r.Corrupt) > 0:
				first = r.Corrupt[0].Explanation
			}
			if !strings.Contains(first, tc.explain) {
				t.Errorf("explanation %q\nwant it to contain %q", first, tc.explain)
			}
		})
	}
}

// Keys without an answered final read are listed, not judged; the report reads from a
// stream and marshals with its documented field names.
func TestLostWritesFromEvents(t *testing.T) {
	yes := true
	evs := []event.Event{
		{T: at(1), Type: event.OpCall, Client: "c1", OpID: "c1-1", Op: event.OpPut, Key: "k1", Value: "c1-1", Via: "server-1"},
		{T: at(2), Type: event.OpCall, Client: "c2", OpID: "c2-1", Op: event.OpPut, Key: "k2", Value: "c2-1", Via: "server-2"},
		{T: at(10), Type: event.OpReturn, OpID: "c1-1", Status: event.StatusOK, Code: 200},
		{T: at(11), Type: event.OpReturn, OpID: "c2-1", Status: event.StatusOK, Code: 200},
		{T: at(20), Type: event.OpCall, Client: "c1", OpID: "c1-2", Op: event.OpPut, Key: "k1", Value: "c1-2", Via: "server-1"},
		{T: at(30), Type: event.OpReturn, OpID: "c1-2", Status: event.StatusOK, Code: 200},
		{T: at(100), Type: event.LivenessEnd},
		{T: at(101), Type: event.OpCall, Client: FinalClient, OpID: "final-1", Op: event.OpGet, Key: "k1", Mode: "consistent", Via: "server-1"},
		{T: at(102), Type: event.OpReturn, OpID: "final-1", Status: event.StatusOK, Code: 200, Found: &yes, Value: "c1-1"},
		{T: at(103), Type: event.OpCall, Client: FinalClient, OpID: "final-2", Op: event.OpGet, Key: "k2", Mode: "consistent", Via: "server-1"},
		{T: at(110), Type: event.OpReturn, OpID: "final-2", Status: event.StatusUnknown, Error: "timeout"},
	}
	r, err := LostWrites(NewRun(evs))
	if err != nil {
		t.Fatal(err)
	}
	if r.FinalReads != 2 || r.KeysChecked != 1 || r.Acknowledged != 2 || !slices.Equal(r.Unchecked, []string{"k2"}) || !slices.Equal(lostIDs(r), []string{"c1-2"}) {
		t.Errorf("%+v", r)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"final_reads":2,"keys_checked":1,"acknowledged":2,"count":1,"lost":[{"op_id":"c1-2","client":"c1","op":"put","key":"k1","value":"c1-2","via":"server-1","call":0.02,"acknowledged":0.03,"final_read":"final-1","final_value":"c1-1","final_found":true,"final_at":0.102,"written_by":"c1-1","written_at":0.01,"explanation":"c1 put k1 = c1-2, acknowledged at 0.030 s, is lost: the final consistent read at 0.102 s returned c1-1, written at 0.010 s, before c1-2 was even sent"}],"corrupt":[],"unchecked":["k2"]}`
	if string(b) != want {
		t.Errorf("JSON:\n%s\nwant\n%s", b, want)
	}
	// Without final reads nothing is checked, and every key says so.
	r = CheckLostWrites(parseOps(t, "c1-1 put k1 0 10 ok\nc1-2 get k2 stale 11 12 = missing"))
	if r.KeysChecked != 0 || r.Count != 0 || !slices.Equal(r.Unchecked, []string{"k1", "k2"}) {
		t.Errorf("no final reads: %+v", r)
	}
}
