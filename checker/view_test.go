package checker

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/event"
)

// viewEvents: three clients, first seen in the order c10, c2, c1, on two keys; a read
// returns a value with markup in it.
func viewEvents() []event.Event {
	yes := true
	op := func(ms int, client, id, kind, key, mode, value, read string) []event.Event {
		call := event.Event{T: event.Time(ms) * 1e6, Type: event.OpCall, Client: client, OpID: id, Op: kind, Key: key, Mode: mode, Value: value, Via: "server-1", ViaRole: event.ViaRoleLeader}
		ret := event.Event{T: event.Time(ms+2) * 1e6, Type: event.OpReturn, Client: client, OpID: id, Op: kind, Status: event.StatusOK, Code: 200}
		if kind == event.OpGet {
			ret.Found, ret.Value = &yes, read
		}
		return []event.Event{call, ret}
	}
	var evs []event.Event
	evs = append(evs, op(10, "c10", "c10-1", event.OpPut, "k2", "", "<b>v</b>", "")...)
	evs = append(evs, op(20, "c2", "c2-1", event.OpPut, "k1", "", "c2-1", "")...)
	evs = append(evs, op(30, "c1", "c1-1", event.OpGet, "k2", "default", "", "<b>v</b>")...)
	evs = append(evs, op(40, "c1", "c1-2", event.OpGet, "k1", "default", "", "c2-1")...)
	evs = append(evs, op(50, "c2", "c2-2", event.OpGet, "k1", "stale", "", "c2-1")...)
	return append(evs, event.Event{T: 60e6, Type: event.RunEnd})
}

// The view names porcupine's lanes by client, in natural order, and knows where porcupine
// draws each operation: the element at Ops[id] of porcupine's page is that operation.
func TestLinearizationViewLanesAndPlaces(t *testing.T) {
	run := NewRun(viewEvents())
	v := LinearizationView(run, "default", time.Second)
	if !slices.Equal(v.Clients, []string{"c1", "c2", "c10"}) {
		t.Errorf("lanes %q, want c1 c2 c10", v.Clients)
	}
	if len(v.Ops) != 4 {
		t.Errorf("ops %v: want the 2 writes and the 2 default reads", v.Ops)
	}
	var page bytes.Buffer
	if err := porcupine.Visualize(v.Model, v.Info, &page); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*const data = (.*)$`).FindSubmatch(page.Bytes())
	if m == nil {
		t.Fatal("porcupine's page has no `const data = ...` line")
	}
	var data struct {
		Partitions []struct {
			History []struct {
				ClientId int
				Metadata string
			}
		}
	}
	if err := json.Unmarshal(m[1], &data); err != nil {
		t.Fatal(err)
	}
	for id, at := range v.Ops {
		e := data.Partitions[at.Partition].History[at.Index]
		client, _, _ := strings.Cut(id, "-")
		if !strings.HasPrefix(e.Metadata, id+" by "+client+" via server-1 (leader)") || v.Clients[e.ClientId] != client {
			t.Errorf("%s: porcupine draws %+v at %+v, in lane %d", id, e, at, e.ClientId)
		}
	}
}

// Porcupine's tooltip takes states and metadata as HTML: the view's model escapes them.
func TestLinearizationViewEscapes(t *testing.T) {
	v := LinearizationView(NewRun(viewEvents()), "default", time.Second)
	st := searchState{kv: kvState{Present: true, Value: "<b>v</b>"}}
	if got := v.Model.DescribeState(st); got != "&lt;b&gt;v&lt;/b&gt;" {
		t.Errorf("state %q, want it escaped", got)
	}
}

func TestNaturalCompare(t *testing.T) {
	names := []string{"c10", "c2", "client-1", "c1", "c01", "final", "c2b", "c2a"}
	slices.SortFunc(names, naturalCompare)
	if got := strings.Join(names, " "); got != "c01 c1 c2 c2a c2b c10 client-1 final" {
		t.Errorf("sorted: %s", got)
	}
}
