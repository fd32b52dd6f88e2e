package catalog

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// describe renders the catalog canonically: the index, then per node its address,
// services and checks with their indexes.
func describe(s *Store) string {
	var b strings.Builder
	fmt.Fprintf(&b, "index=%d", s.Index())
	nodes, _ := s.Nodes()
	for _, n := range nodes {
		fmt.Fprintf(&b, "\n%s@%s(%d,%d)", n.Node, n.Address, n.CreateIndex, n.ModifyIndex)
		_, svcs, _ := s.NodeServices(n.Node)
		for _, svc := range svcs {
			fmt.Fprintf(&b, " svc:%s=%s%v:%d(%d,%d)", svc.ID, svc.Service, svc.Tags, svc.Port, svc.CreateIndex, svc.ModifyIndex)
		}
		checks, _ := s.Checks(func(c *Check) bool { return c.Node == n.Node })
		for _, c := range checks {
			fmt.Fprintf(&b, " chk:%s=%s[%s %v](%d,%d)", c.CheckID, c.Status, c.ServiceName, c.ServiceTags, c.CreateIndex, c.ModifyIndex)
		}
	}
	return b.String()
}

func apply(t *testing.T, s *Store, index uint64, r Request) bool {
	t.Helper()
	if err := r.Validate(); err != nil {
		t.Fatalf("validate %+v: %v", r, err)
	}
	changed, err := s.Apply(index, r)
	if err != nil {
		t.Fatalf("apply %+v: %v", r, err)
	}
	return changed
}

func web(node string, tags ...string) Request {
	return Request{Op: OpRegister, Node: node, Address: "10.0.0." + node[len(node)-1:],
		Service: &Service{ID: "web", Service: "web", Tags: tags, Port: 8080},
		Checks:  []*Check{{CheckID: "service:web", Name: "web check", Status: Passing, ServiceID: "web", Type: "ttl"}}}
}

func serf(node, status string) Request {
	return Request{Op: OpRegister, Node: node, Address: "10.0.0." + node[len(node)-1:],
		Checks: []*Check{{CheckID: SerfCheckID, Name: SerfCheckName, Status: status}}}
}

// Registering, re-registering unchanged, changing tags and deregistering move indexes
// exactly as Consul's state store does.
func TestRegisterDeregister(t *testing.T) {
	s := NewStore()
	if !apply(t, s, 5, web("n1", "v1")) || !apply(t, s, 6, serf("n1", Passing)) {
		t.Fatal("first registrations changed nothing")
	}
	if apply(t, s, 7, web("n1", "v1")) {
		t.Error("an unchanged re-registration changed the catalog")
	}
	apply(t, s, 8, web("n2"))
	apply(t, s, 9, web("n1", "v2")) // new tags: the service and its check follow
	want := "index=9" +
		"\nn1@10.0.0.1(5,5) svc:web=web[v2]:8080(5,9) chk:serfHealth=passing[ []](6,6) chk:service:web=passing[web [v2]](5,9)" +
		"\nn2@10.0.0.2(8,8) svc:web=web[]:8080(8,8) chk:service:web=passing[web []](8,8)"
	if got := describe(s); got != want {
		t.Fatalf("catalog:\n%s\nwant:\n%s", got, want)
	}
	apply(t, s, 10, serf("n1", Critical))
	if c, _ := s.Checks(func(c *Check) bool { return c.CheckID == SerfCheckID }); len(c) != 1 || c[0].Status != Critical || c[0].ModifyIndex != 10 || c[0].CreateIndex != 6 {
		t.Errorf("serfHealth after going critical: %+v", c)
	}
	if apply(t, s, 11, Request{Op: OpDeregister, Node: "n2", CheckID: "nope"}) {
		t.Error("deregistering an absent check changed the catalog")
	}
	apply(t, s, 12, Request{Op: OpDeregister, Node: "n1", ServiceID: "web"})
	apply(t, s, 13, Request{Op: OpDeregister, Node: "n2"})
	want = "index=13\nn1@10.0.0.1(5,5) chk:serfHealth=critical[ []](6,10)"
	if got := describe(s); got != want {
		t.Fatalf("after deregistrations:\n%s\nwant:\n%s", got, want)
	}
}

// A check for a service the node lacks is refused and changes nothing, node included.
func TestCheckNeedsItsService(t *testing.T) {
	s := NewStore()
	r := Request{Op: OpRegister, Node: "n1", Address: "a", Checks: []*Check{{CheckID: "c", Status: Passing, ServiceID: "db"}}}
	if changed, err := s.Apply(1, r); err == nil || changed || err.Error() != "Missing service registration" {
		t.Fatalf("check of a missing service: changed %v, err %v", changed, err)
	}
	if got := describe(s); got != "index=0" {
		t.Errorf("catalog after a refused write: %s", got)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		r    Request
		want string
	}{
		{Request{Op: OpRegister, Node: "n"}, "Must provide node and address"},
		{Request{Op: OpRegister, Node: "n", Address: "a", Service: &Service{ID: "x"}}, "Must provide service name"},
		{Request{Op: OpRegister, Node: "n", Address: "a", Checks: []*Check{{CheckID: "c", Status: "ok"}}}, `Invalid check status "ok"`},
		{Request{Op: OpRegister, Node: "n", Address: "a", Checks: []*Check{{Status: Passing}}}, "Must provide check ID"},
		{Request{Op: OpDeregister}, "Must provide node"},
		{Request{Op: OpDeregister, Node: "n", ServiceID: "s", CheckID: "c"}, "Deregister takes a service ID or a check ID, not both"},
		{Request{Op: "drop", Node: "n"}, `catalog: unknown operation "drop"`},
	} {
		if err := c.r.Validate(); err == nil || err.Error() != c.want {
			t.Errorf("Validate(%+v) = %v, want %q", c.r, err, c.want)
		}
	}
}

// Health reads: instances carry the node's checks and their own, tag filters, states.
func TestReads(t *testing.T) {
	s := NewStore()
	apply(t, s, 1, web("n1", "v1"))
	apply(t, s, 2, web("n2", "v2"))
	apply(t, s, 3, serf("n1", Critical))
	apply(t, s, 4, Request{Op: OpRegister, Node: "n2", Address: "10.0.0.2", Service: &Service{Service: "db", Tags: []string{"v1"}}})
	svcs, idx := s.Services()
	if fmt.Sprint(svcs) != "map[db:[v1] web:[v1 v2]]" || idx != 4 {
		t.Errorf("Services = %v at %d", svcs, idx)
	}
	ins, _ := s.ServiceInstances("web", "", true)
	if len(ins) != 2 || len(ins[0].Checks) != 2 || ins[0].Checks[0].CheckID != SerfCheckID || len(ins[1].Checks) != 1 {
		t.Errorf("web instances with checks: %+v", ins)
	}
	if ins, _ := s.ServiceInstances("web", "v2", false); len(ins) != 1 || ins[0].Node.Node != "n2" || ins[0].Checks != nil {
		t.Errorf("web instances tagged v2: %+v", ins)
	}
	if _, svcs, _ := s.NodeServices("n2"); len(svcs) != 2 || svcs[0].ID != "db" {
		t.Errorf("services of n2: %+v", svcs)
	}
	if n, _, idx := s.NodeServices("n9"); n != nil || idx != 4 {
		t.Errorf("unknown node: %v at %d", n, idx)
	}
	crit, _ := s.Checks(func(c *Check) bool { return c.Status == Critical })
	if len(crit) != 1 || crit[0].Node != "n1" {
		t.Errorf("critical checks: %+v", crit)
	}
}

// The watch closes on a change, not on a write that changes nothing.
func TestWatch(t *testing.T) {
	s := NewStore()
	if _, idx := s.Nodes(); idx != 1 {
		t.Errorf("an empty catalog reports index %d, want 1", idx)
	}
	apply(t, s, 1, web("n1"))
	ch := s.Watch()
	apply(t, s, 2, web("n1"))
	select {
	case <-ch:
		t.Fatal("an unchanged registration fired the watch")
	default:
	}
	apply(t, s, 3, serf("n1", Passing))
	select {
	case <-ch:
	default:
		t.Fatal("a new check did not fire the watch")
	}
}

func TestEncodeDecode(t *testing.T) {
	r := web("n1", "a", "b")
	got, err := Decode(Encode(r))
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if _, err := Decode([]byte("{")); err == nil {
		t.Error("decoding garbage succeeded")
	}
}

// A snapshot restores the same catalog, gives the same bytes twice, and a damaged one is
// refused without changing anything.
func TestSnapshot(t *testing.T) {
	s := NewStore()
	apply(t, s, 1, web("n1", "v1"))
	apply(t, s, 2, serf("n1", Warning))
	apply(t, s, 3, web("n2"))
	var a, b bytes.Buffer
	s.Snapshot().WriteTo(&a)
	s.Snapshot().WriteTo(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two snapshots of one state differ")
	}
	r := NewStore()
	ch := r.Watch()
	if err := r.Restore(bytes.NewReader(a.Bytes())); err != nil {
		t.Fatal(err)
	}
	if describe(r) != describe(s) {
		t.Errorf("restored:\n%s\nwant:\n%s", describe(r), describe(s))
	}
	select {
	case <-ch:
	default:
		t.Error("restore did not fire the watch")
	}
	before := describe(r)
	for i := range a.Len() {
		bad := bytes.Clone(a.Bytes())
		bad[i] ^= 0x40
		if err := r.Restore(bytes.NewReader(bad)); err == nil {
			t.Fatalf("a snapshot with byte %d flipped was accepted", i)
		}
	}
	if err := r.Restore(bytes.NewReader(a.Bytes()[:a.Len()-1])); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated snapshot: %v", err)
	}
	if err := r.Restore(bytes.NewReader(append(a.Bytes(), 0))); err == nil {
		t.Error("a snapshot with trailing data was accepted")
	}
	if describe(r) != before {
		t.Error("a refused snapshot changed the catalog")
	}
}
