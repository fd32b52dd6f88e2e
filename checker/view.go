package checker

import (
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// View is what a picture of one read mode's history needs: porcupine's model and its
// linearization info (every write plus that mode's reads, partitioned by key, through the
// same rewriting as the verdict's search, values shown as written), and what porcupine's
// own page does not know: the workload client behind each of its lanes and where it draws
// each operation.
type View struct {
	Model porcupine.Model
	Info  porcupine.LinearizationInfo
	// Clients names porcupine's lanes: lane i (porcupine's ClientId i) is client Clients[i].
	Clients []string
	// Ops says where porcupine draws each operation of the view, by op id. An operation
	// the search set aside (a read that says nothing, pruned by the reductions) is absent.
	Ops map[string]ViewOp
}

// ViewOp is where porcupine's visualization draws one operation: Partition is the key's
// index in key order (porcupine's partitions are the model's Partition, partitionByKey),
// Index the operation's position in that partition, which is the id porcupine gives it.
type ViewOp struct {
	Partition int `json:"partition"`
	Index     int `json:"index"`
}

// LinearizationView is the View of read mode mode. timeout bounds the search, as the
// verdict's did each key: a key that runs out is drawn as far as porcupine got.
//
// The model describes states and operations' metadata HTML-escaped: porcupine's page puts
// those two into its tooltip as HTML, and a value comes from a node.
func LinearizationView(run *Run, mode string, timeout time.Duration) View {
	all, _, _ := kvHistory(run.Ops, mode)
	// Lanes in the order of the clients' names (kvHistory numbers them as they first
	// appear; porcupine's check does not look at the numbers).
	v := View{Ops: map[string]ViewOp{}}
	lane := map[string]int{}
	for _, op := range all {
		c := run.Ops[op.Metadata.(int)].Client
		if _, ok := lane[c]; !ok {
			lane[c] = 0
			v.Clients = append(v.Clients, c)
		}
	}
	slices.SortFunc(v.Clients, naturalCompare)
	for i, c := range v.Clients {
		lane[c] = i
	}
	all = slices.Clone(all)
	for i := range all {
		all[i].ClientId = lane[run.Ops[all[i].Metadata.(int)].Client]
	}
	hist := prepareSearch(narrow(reduce(all)), false)
	// Nothing happens after the run ends, so an open-ended return may end there: the
	// verdict is the same, and the timeline stays drawable.
	end := int64(0)
	if n := len(run.Events); n > 0 {
		end = int64(run.Events[n-1].T) + 1
	}
	for i := range hist {
		if hist[i].Return == openEnded {
			hist[i].Return = end
		}
	}
	m := KVModel()
	m.DescribeState = func(state any) string { return html.EscapeString(state.(searchState).kv.String()) }
	m.DescribeOperationMetadata = func(md any) string { return html.EscapeString(describeViewOp(&run.Ops[md.(int)])) }
	for p, part := range m.Partition(hist) {
		for i, op := range part {
			v.Ops[run.Ops[op.Metadata.(int)].ID] = ViewOp{Partition: p, Index: i}
		}
	}
	_, v.Info = porcupine.CheckOperationsVerbose(m, hist, timeout)
	v.Model = m
	return v
}

// describeViewOp is the line porcupine's tooltip shows above an operation's states: which
// operation it is, whose, and where it went.
func describeViewOp(op *Op) string {
	s := fmt.Sprintf("%s by %s via %s", op.ID, op.Client, op.Via)
	if op.ViaRole != "" {
		s += " (" + op.ViaRole + ")"
	}
	if op.Mode != "" {
		s += ", " + op.Mode + " read"
	}
	if op.Status != "" && op.Status != "ok" {
		s += ", " + op.Status
	}
	return s
}

// naturalCompare orders names with their numbers as numbers: c2 before c10 (and names
// equal that way, c01 and c1, by their bytes).
func naturalCompare(a, b string) int {
	if c := numbersFirst(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func numbersFirst(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			x, _ := strconv.ParseUint(a[:da], 10, 64)
			y, _ := strconv.ParseUint(b[:db], 10, 64)
			if x != y {
				if x < y {
					return -1
				}
				return 1
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

// digits is the length of s's leading run of ASCII digits.
func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
