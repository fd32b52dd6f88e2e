package netmodel

import (
	"fmt"
	"io"
	"testing"
	"testing/synctest"
	"time"
)

// A pause holds packets and stream bytes to and from the host, drops none,
// and delivers them all after Lift: packets in send order with a fresh
// sample each, streams in order.
func TestPauseHoldsAndReleasesEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c := addHost(t, n, "c", "127.0.0.3")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		pc, _ := c.ListenPacket("", 3)
		ca, sb, ln := connect(t, a, b, 80)
		ln.Close()

		f := n.NewFault("pause b")
		f.Pause("b")
		for i := range 5 {
			pa.WriteTo(fmt.Appendf(nil, "a%d", i), "127.0.0.2:2")
			pb.WriteTo(fmt.Appendf(nil, "b%d", i), "127.0.0.1:1")
			pa.WriteTo(fmt.Appendf(nil, "c%d", i), "127.0.0.3:3") // a->c: not paused
		}
		ca.Write([]byte("to b"))
		sb.Write([]byte("from b"))
		dialed := make(chan error, 1)
		go func() { // a dial to the paused host stalls
			lnb, _ := b.Listen("", 81)
			c, err := a.DialTimeout("127.0.0.2:81", 0)
			if err == nil {
				c.Close()
			}
			lnb.Close()
			dialed <- err
		}()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if len(pa.Packets()) != 0 || len(pb.Packets()) != 0 || len(pc.Packets()) != 5 {
			t.Fatalf("during the pause: a got %d, b got %d (want 0), c got %d (want 5)",
				len(pa.Packets()), len(pb.Packets()), len(pc.Packets()))
		}
		if len(sb.(*Conn).in.chunks) != 0 || len(ca.(*Conn).in.chunks) != 0 {
			t.Fatal("stream bytes delivered during the pause")
		}
		select {
		case err := <-dialed:
			t.Fatalf("dial finished during the pause: %v", err)
		default:
		}
		want := Traffic{PacketsHeld: 10, SegmentsHeld: 2, DialsStalled: 1}
		if e := f.Effect(); e != want {
			t.Fatalf("effect %+v, want %+v", e, want)
		}

		lifted := time.Now()
		f.Lift()
		if err := <-dialed; err != nil {
			t.Fatalf("dial after lift: %v", err)
		}
		// Each held packet is sent again with a fresh sample; like any
		// packets due at the same instant, their arrival order is open.
		got := map[string]time.Duration{}
		for range 5 {
			p := <-pb.Packets()
			got[string(p.Buf)] = p.At.Sub(lifted)
			p = <-pa.Packets()
			got[string(p.Buf)] = p.At.Sub(lifted)
		}
		for i := range 5 {
			for _, k := range []string{fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)} {
				if d, ok := got[k]; !ok || d != 10*ms {
					t.Fatalf("%s: delivered=%v at +%v, want at +10ms (all: %v)", k, ok, d, got)
				}
			}
		}
		buf := make([]byte, 16)
		if k, _ := sb.Read(buf); string(buf[:k]) != "to b" {
			t.Fatalf("b read %q", buf[:k])
		}
		if k, _ := ca.Read(buf); string(buf[:k]) != "from b" {
			t.Fatalf("a read %q", buf[:k])
		}
		st := n.Stats()
		if st.PacketsDropped() != 0 || st.PacketsHeld != 10 || st.PacketsSent != st.PacketsDelivered {
			t.Fatalf("stats %+v", st)
		}
		ca.Close()
		sb.Close()
		pa.Close()
		pb.Close()
		pc.Close()
	})
}

// Held packets to a host that crashes during the pause are dropped on
// arrival, as usual; a full pause queue is a counted drop.
func TestPauseHeldPacketsToCrashedHostAndQueueLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(ms), PauseQueueLimit: 3})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		pa, _ := a.ListenPacket("", 1)
		b.ListenPacket("", 2)
		f := n.NewFault("pause a")
		f.Pause("a")
		for range 5 {
			pa.WriteTo([]byte("x"), "127.0.0.2:2")
		}
		b.Crash()
		b.Restart()
		pb, _ := b.ListenPacket("", 2)
		f.Lift()
		time.Sleep(10 * ms)
		st := n.Stats()
		if len(pb.Packets()) != 0 || st.PacketsDroppedDown != 3 || st.PacketsDroppedPauseQueue != 2 {
			t.Fatalf("restarted b got %d packets; stats %+v", len(pb.Packets()), st)
		}
		if e := f.Effect(); e.PacketsHeld != 3 || e.PacketsDropped != 2 {
			t.Fatalf("effect %+v", e)
		}
		pa.Close()
		pb.Close()
	})
}

// Two pauses of the same host: lifting the older hands its held traffic to
// the newer, which delivers it on its own Lift.
func TestPauseOverlappingPausesHandOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, a, b := twoHosts(t)
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		c, s, ln := connect(t, a, b, 80)
		f1, f2 := n.NewFault("gc-1"), n.NewFault("gc-2")
		f1.Pause("a")
		f2.Pause("a")
		pa.WriteTo([]byte("1"), "127.0.0.2:2")
		c.Write([]byte("1"))
		time.Sleep(10 * ms) // the segment falls due and gc-1 holds it
		f1.Lift()
		pa.WriteTo([]byte("2"), "127.0.0.2:2")
		c.Write([]byte("2"))
		c.Close()
		time.Sleep(time.Second)
		if len(pb.Packets()) != 0 {
			t.Fatal("packet delivered while a newer pause still holds it")
		}
		f2.Lift()
		got, _ := io.ReadAll(s)
		p1, p2 := (<-pb.Packets()).Buf, (<-pb.Packets()).Buf
		if string(got) != "12" || string(p1)+string(p2) != "12" && string(p1)+string(p2) != "21" {
			t.Fatalf("stream %q, packets %q %q", got, p1, p2)
		}
		e1, e2 := f1.Effect(), f2.Effect()
		if e1.PacketsHeld != 1 || e2.PacketsHeld != 2 || e1.SegmentsHeld != 1 || e2.SegmentsHeld != 2 {
			t.Fatalf("gc-1 %+v, gc-2 %+v", e1, e2)
		}
		s.Close()
		ln.Close()
		pa.Close()
		pb.Close()
	})
}
