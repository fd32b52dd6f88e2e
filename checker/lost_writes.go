package checker

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/consim/consim/event"
)

// FinalClient is the workload client that makes the final reads: after the liveness
// phase it reads every workload key once, in consistent mode, through the leader
// (docs/events.md, "final reads"). Its gets are what LostWrites compares against.
const FinalClient = event.FinalClient

// LostWritesReport says whether the cluster ended with every write it acknowledged.
//
// For each key with an answered (ok) final read, the final value was written by one
// operation F (values are unique): the put or cas that wrote it, or, for a key found
// missing, a delete or the initial state. An acknowledged put, cas or delete W of that key
// called after F was acknowledged (W strictly follows F in real time) must have taken
// effect after F, so the final value should not be F's: W is lost (if it was
// acknowledged before the final read was called). A delete is not lost when the key
// ends missing. For a missing key F is taken to be the delete that lets
// the most writes off (the one acknowledged last, or one whose outcome is unknown, which
// may have taken effect at any time after its call), so a loss is reported only when no
// delete can explain the final state.
//
// A final value that no operation wrote, or that only a write answered as failed wrote,
// is corrupt: it counts as an anomaly as well.
type LostWritesReport struct {
	// FinalReads counts the final reads in the stream (every attempt); KeysChecked the
	// keys with an ok one.
	FinalReads  int `json:"final_reads"`
	KeysChecked int `json:"keys_checked"`
	// Acknowledged counts the acknowledged writes of the checked keys.
	Acknowledged int `json:"acknowledged"`
	// Count is the anomalies: len(Lost) + len(Corrupt). The expectation lost_writes
	// compares with it.
	Count   int          `json:"count"`
	Lost    []LostWrite  `json:"lost"`
	Corrupt []CorruptKey `json:"corrupt"`
	// Unchecked are the keys the workload used that have no ok final read (none was
	// made, or every attempt failed), in key order.
	Unchecked []string `json:"unchecked"`
}

// LostWrite is one acknowledged write the cluster does not have at the end.
type LostWrite struct {
	OpID   string `json:"op_id"`
	Client string `json:"client"`
	Op     string `json:"op"` // put, cas, delete
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"` // written (put, cas)
	Via    string `json:"via"`
	// Call and Acknowledged are the write's call and return, in virtual seconds.
	Call         float64 `json:"call"`
	Acknowledged float64 `json:"acknowledged"`
	// FinalRead is the op id of the final read; FinalValue what it returned ("" with
	// FinalFound false: missing); FinalAt its return, in virtual seconds.
	FinalRead  string  `json:"final_read"`
	FinalValue string  `json:"final_value"`
	FinalFound bool    `json:"final_found"`
	FinalAt    float64 `json:"final_at"`
	// WrittenBy is the op id of the write that left the final state ("" for the initial
	// state: a missing key nobody deleted); WrittenAt when it was acknowledged.
	WrittenBy string  `json:"written_by"`
	WrittenAt float64 `json:"written_at"`
	// Explanation says it in one sentence: "c2 put k3 = c2-17, acknowledged at 14.002 s,
	// is lost: the final consistent read at 71.210 s returned c1-9, written at 12.100 s,
	// before c2-17 was even sent".
	Explanation string `json:"explanation"`

	ack event.Time // for ordering
}

// CorruptKey is a final value that no write explains.
type CorruptKey struct {
	Key        string  `json:"key"`
	FinalRead  string  `json:"final_read"`
	FinalValue string  `json:"final_value"`
	FinalAt    float64 `json:"final_at"`
	// WrittenBy is the op that wrote the value but was answered as failed; "" if no
	// operation ever wrote it.
	WrittenBy   string `json:"written_by,omitempty"`
	Explanation string `json:"explanation"`
}

// LostWrites checks a run's history (CheckLostWrites). The error is the history's: a
// broken stream.
func LostWrites(run *Run) (LostWritesReport, error) {
	if run.OpsError != nil {
		return LostWritesReport{}, run.OpsError
	}
	return CheckLostWrites(run.Ops), nil
}

// CheckLostWrites compares the final reads in ops (client FinalClient) with every
// acknowledged write; see LostWritesReport.
func CheckLostWrites(ops []Op) LostWritesReport {
	rep := LostWritesReport{Lost: []LostWrite{}, Corrupt: []CorruptKey{}, Unchecked: []string{}}
	final := map[string]*Op{} // key -> its last ok final read
	writes := map[string][]*Op{}
	keys := map[string]bool{}
	for i := range ops {
		op := &ops[i]
		switch {
		case op.Client == FinalClient:
			if op.Kind != event.OpGet {
				continue
			}
			rep.FinalReads++
			keys[op.Key] = true
			if op.Status == event.StatusOK && (final[op.Key] == nil || op.Return > final[op.Key].Return) {
				final[op.Key] = op
			}
		case op.Kind == event.OpGet:
			keys[op.Key] = true
		default:
			keys[op.Key] = true
			writes[op.Key] = append(writes[op.Key], op)
		}
	}
	for _, k := range sortedKeys(keys) {
		r := final[k]
		if r == nil {
			rep.Unchecked = append(rep.Unchecked, k)
			continue
		}
		rep.KeysChecked++
		for _, w := range writes[k] {
			if acknowledged(w) {
				rep.Acknowledged++
			}
		}
		if r.Found {
			checkPresent(&rep, r, writes[k])
		} else {
			checkMissing(&rep, r, writes[k])
		}
	}
	slices.SortFunc(rep.Lost, func(a, b LostWrite) int {
		return cmp.Or(cmp.Compare(a.ack, b.ack), cmp.Compare(a.OpID, b.OpID))
	})
	rep.Count = len(rep.Lost) + len(rep.Corrupt)
	return rep
}

func acknowledged(w *Op) bool { return w.Returned && w.Status == event.StatusOK }

// mustSee says whether final read r must see w or something after it: w was acknowledged
// before r was called.
func mustSee(w, r *Op) bool { return acknowledged(w) && w.Return < r.Call }

// mayHaveApplied says whether w may have taken effect: acknowledged, or its outcome is
// unknown.
func mayHaveApplied(w *Op) bool { return w.Status != event.StatusFail }

// checkPresent checks a key whose final read found value r.Read.
func checkPresent(rep *LostWritesReport, r *Op, writes []*Op) {
	var writer *Op
	for _, w := range writes {
		if w.Kind != event.OpDelete && w.Value == r.Read {
			writer = w
			break
		}
	}
	switch {
	case writer == nil:
		rep.Corrupt = append(rep.Corrupt, CorruptKey{Key: r.Key, FinalRead: r.ID, FinalValue: r.Read, FinalAt: r.Return.Seconds(),
			Explanation: fmt.Sprintf("the final consistent read of %s at %.3f s returned %s, which no operation ever wrote",
				r.Key, r.Return.Seconds(), r.Read)})
		return
	case !mayHaveApplied(writer):
		rep.Corrupt = append(rep.Corrupt, CorruptKey{Key: r.Key, FinalRead: r.ID, FinalValue: r.Read, FinalAt: r.Return.Seconds(), WrittenBy: writer.ID,
			Explanation: fmt.Sprintf("the final consistent read of %s at %.3f s returned %s, written by %s's %s that was answered as failed (%s)",
				r.Key, r.Return.Seconds(), r.Read, writer.Client, writer.Kind, failure(writer))})
		return
	case !acknowledged(writer):
		return // its outcome is unknown: it may have taken effect last of all
	}
	for _, w := range writes {
		if w != writer && mustSee(w, r) && w.Call > writer.Return {
			rep.Lost = append(rep.Lost, lost(w, r, writer))
		}
	}
}

// checkMissing checks a key whose final read found it missing: F is the delete that
// was acknowledged last, or none if one may have applied at any time.
func checkMissing(rep *LostWritesReport, r *Op, writes []*Op) {
	var writer *Op
	for _, w := range writes {
		if w.Kind != event.OpDelete || !mayHaveApplied(w) || w.Call > r.Return {
			continue
		}
		if !acknowledged(w) {
			return // a delete of unknown outcome may have applied after everything
		}
		if writer == nil || w.Return > writer.Return {
			writer = w
		}
	}
	for _, w := range writes {
		if w.Kind != event.OpDelete && mustSee(w, r) && (writer == nil || w.Call > writer.Return) {
			rep.Lost = append(rep.Lost, lost(w, r, writer))
		}
	}
}

// lost describes w, lost under final read r; writer left the final state (nil: the
// initial state).
func lost(w, r, writer *Op) LostWrite {
	l := LostWrite{OpID: w.ID, Client: w.Client, Op: w.Kind, Key: w.Key, Value: w.Value, Via: w.Via,
		Call: w.Call.Seconds(), Acknowledged: w.Return.Seconds(),
		FinalRead: r.ID, FinalValue: r.Read, FinalFound: r.Found, FinalAt: r.Return.Seconds(), ack: w.Return}
	var what string
	switch w.Kind {
	case event.OpDelete:
		what = fmt.Sprintf("%s delete %s", w.Client, w.Key)
	case event.OpCAS:
		what = fmt.Sprintf("%s cas %s = %s", w.Client, w.Key, w.Value)
	default:
		what = fmt.Sprintf("%s put %s = %s", w.Client, w.Key, w.Value)
	}
	var ended string
	switch {
	case writer == nil:
		ended = fmt.Sprintf("found %s missing, and no delete of %s ever took effect", w.Key, w.Key)
	case writer.Kind == event.OpDelete:
		l.WrittenBy, l.WrittenAt = writer.ID, writer.Return.Seconds()
		ended = fmt.Sprintf("found %s missing, deleted by %s at %.3f s, before %s was even sent", w.Key, writer.ID, writer.Return.Seconds(), w.ID)
	default:
		l.WrittenBy, l.WrittenAt = writer.ID, writer.Return.Seconds()
		by := ""
		if writer.ID != r.Read {
			by = " by " + writer.ID
		}
		ended = fmt.Sprintf("returned %s, written%s at %.3f s, before %s was even sent", r.Read, by, writer.Return.Seconds(), w.ID)
	}
	l.Explanation = fmt.Sprintf("%s, acknowledged at %.3f s, is lost: the final consistent read at %.3f s %s",
		what, w.Return.Seconds(), r.Return.Seconds(), ended)
	return l
}

// failure says how a failed write was answered: "cas did not match", "code 400", ...
func failure(w *Op) string {
	switch {
	case w.Error != "":
		return w.Error
	case w.Kind == event.OpCAS && w.Code == 200:
		return "cas did not match"
	}
	return fmt.Sprintf("code %d", w.Code)
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
