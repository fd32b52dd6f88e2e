package netmodel

import (
	"io"
	"testing"
	"testing/synctest"
	"time"
)

// A host with two NICs reaches b over NIC 1 (a route) and c over NIC 0:
// taking NIC 1 down cuts a<->b only; bringing it up restores it and the
// held stream resumes in order.
func TestNICDownWithRouteCutsOnlyRoutedPeer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(ms)})
		a := addHost(t, n, "a", "127.0.0.1", "127.0.1.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c := addHost(t, n, "c", "127.0.0.3")
		a.SetRoute("b", 1)
		pa, _ := a.ListenPacket("", 1) // bound on NIC 0: the route decides
		pb, _ := b.ListenPacket("", 2)
		pc, _ := c.ListenPacket("", 3)
		ab, ba, lnb := connect(t, a, b, 80) // dialed from NIC 0's address
		ac, ca, lnc := connect(t, a, c, 80)

		f := n.NewFault("nic1 down")
		f.NICDown("a", 1)
		pa.WriteTo([]byte("a->b"), "127.0.0.2:2")
		pb.WriteTo([]byte("b->a"), "127.0.0.1:1")
		pa.WriteTo([]byte("a->c"), "127.0.0.3:3")
		pc.WriteTo([]byte("c->a"), "127.0.0.1:1")
		ab.Write([]byte("held "))
		ba.Write([]byte("back"))
		ac.Write([]byte("free"))
		time.Sleep(100 * ms)
		if len(pb.Packets()) != 0 || len(pc.Packets()) != 1 || len(pa.Packets()) != 1 {
			t.Fatalf("while down: b got %d (want 0), c got %d, a got %d (want 1 each)",
				len(pb.Packets()), len(pc.Packets()), len(pa.Packets()))
		}
		if p := <-pa.Packets(); string(p.Buf) != "c->a" {
			t.Fatalf("a got %q", p.Buf)
		}
		buf := make([]byte, 16)
		if k, _ := ca.Read(buf); string(buf[:k]) != "free" {
			t.Fatalf("c read %q", buf[:k])
		}
		if len(ba.(*Conn).in.chunks) != 0 || len(ab.(*Conn).in.chunks) != 0 {
			t.Fatal("stream bytes crossed a down NIC")
		}
		e := f.Effect()
		if e.PacketsDropped != 2 || e.SegmentsHeld != 2 {
			t.Fatalf("effect %+v", e)
		}
		if st := n.Stats(); st.PacketsDroppedNIC != 2 {
			t.Fatalf("stats %+v", st)
		}

		f.Lift() // NIC up again
		if k, err := ab.Read(buf); err != nil || string(buf[:k]) != "back" {
			t.Fatalf("a read %q, %v", buf[:k], err)
		}
		ab.Write([]byte("then more"))
		ab.Close()
		got, err := io.ReadAll(ba)
		if err != nil || string(got) != "held then more" {
			t.Fatalf("b read %q, %v", got, err)
		}
		pa.WriteTo([]byte("a->b again"), "127.0.0.2:2")
		if p := <-pb.Packets(); string(p.Buf) != "a->b again" {
			t.Fatalf("b got %q", p.Buf)
		}
		ba.Close()
		ac.Close()
		ca.Close()
		lnb.Close()
		lnc.Close()
		pa.Close()
		pb.Close()
		pc.Close()
	})
}

// Without a route, the NIC is the address used: traffic addressed to a's
// second NIC is cut when it goes down, traffic to its first is not; and a
// route set and removed again goes back to that default.
func TestNICDownWithoutRouteUsesAddressedNIC(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(ms)})
		a := addHost(t, n, "a", "127.0.0.1", "127.0.1.1")
		b := addHost(t, n, "b", "127.0.0.2")
		a0, _ := a.ListenPacket("127.0.0.1", 1)
		a1, _ := a.ListenPacket("127.0.1.1", 1)
		pb, _ := b.ListenPacket("", 2)
		a.SetRoute("b", 1)
		a.SetRoute("b", -1)
		f := n.NewFault("nic1 down")
		f.NICDown("a", 1)
		pb.WriteTo([]byte("to nic0"), "127.0.0.1:1")
		pb.WriteTo([]byte("to nic1"), "127.0.1.1:1")
		a0.WriteTo([]byte("from nic0"), "127.0.0.2:2")
		a1.WriteTo([]byte("from nic1"), "127.0.0.2:2")
		time.Sleep(10 * ms)
		if len(a0.Packets()) != 1 || len(a1.Packets()) != 0 || len(pb.Packets()) != 1 {
			t.Fatalf("nic0 got %d (want 1), nic1 got %d (want 0), b got %d (want 1)",
				len(a0.Packets()), len(a1.Packets()), len(pb.Packets()))
		}
		if p := <-pb.Packets(); string(p.Buf) != "from nic0" {
			t.Fatalf("b got %q", p.Buf)
		}
		f.Lift()
		a0.Close()
		a1.Close()
		pb.Close()
	})
}

func TestNICDownAndSetRoutePanicOnBadNIC(t *testing.T) {
	n := newNet(t, Config{})
	a := addHost(t, n, "a", "127.0.0.1")
	for name, fn := range map[string]func(){
		"NICDown index":  func() { n.NewFault("f").NICDown("a", 1) },
		"NICDown host":   func() { n.NewFault("f").NICDown("", 0) },
		"SetRoute index": func() { a.SetRoute("b", 1) },
		"Pause host":     func() { n.NewFault("f").Pause("") },
		"Block no proto": func() { n.NewFault("f").Block("a", "b", 0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
	n.NewFault("f").NICDown("not-yet", 3) // a host added later: checked then by matching only
}
