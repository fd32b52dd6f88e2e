package netmodel

import (
	"fmt"
	"io"
	"math/rand"
	"testing"
	"testing/synctest"
	"time"
)

// Impaired loss is drawn from the network's rand: the rate is about the
// configured one and the exact counts repeat with the seed.
func TestImpairLossRateAndDeterminism(t *testing.T) {
	run := func(seed int64) (delivered int, dropped uint64) {
		synctest.Test(t, func(t *testing.T) {
			n := newNet(t, Config{Link: constant(ms), InboxLimit: 2000, Rand: rand.New(rand.NewSource(seed))})
			a := addHost(t, n, "a", "127.0.0.1")
			b := addHost(t, n, "b", "127.0.0.2")
			pa, _ := a.ListenPacket("", 1)
			pb, _ := b.ListenPacket("", 2)
			f := n.NewFault("lossy")
			f.Impair("a", "b", Impairment{Loss: 0.3})
			for range 1000 {
				pa.WriteTo([]byte("x"), "127.0.0.2:2")
				pb.WriteTo([]byte("y"), "127.0.0.1:1") // other direction: not impaired
			}
			time.Sleep(10 * ms)
			delivered = len(pb.Packets())
			dropped = f.Effect().PacketsDropped
			if got := len(pa.Packets()); got != 1000 {
				t.Errorf("b->a delivered %d of 1000", got)
			}
			st := n.Stats()
			if st.PacketsDroppedImpaired != dropped || uint64(delivered)+dropped != 1000 {
				t.Errorf("delivered %d, fault dropped %d, network %+v", delivered, dropped, st)
			}
			pa.Close()
			pb.Close()
		})
		return delivered, dropped
	}
	d1, _ := run(1)
	d2, _ := run(1)
	d3, _ := run(2)
	if d1 < 650 || d1 > 750 {
		t.Fatalf("%d of 1000 delivered at impaired loss 0.3", d1)
	}
	if d1 != d2 {
		t.Fatalf("same seed, %d then %d delivered", d1, d2)
	}
	if d1 == d3 {
		t.Fatalf("seeds 1 and 2 both delivered %d: is the loss drawn from Config.Rand?", d1)
	}
}

func TestImpairDuplicateDeliversTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: LinkConfig{Latency: Latency{Dist: DistUniform, Min: ms, Max: 5 * ms}}})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		f := n.NewFault("dup")
		f.Impair("a", "b", Impairment{Duplicate: 1})
		for i := range 10 {
			pa.WriteTo([]byte{byte(i)}, "127.0.0.2:2")
		}
		time.Sleep(20 * ms)
		pb.Close()
		count := map[byte]int{}
		var bufs [][]byte
		for p := range pb.Packets() {
			count[p.Buf[0]]++
			bufs = append(bufs, p.Buf)
		}
		for i := range 10 {
			if count[byte(i)] != 2 {
				t.Fatalf("packet %d delivered %d times, want 2", i, count[byte(i)])
			}
		}
		bufs[0][0] = 99 // each copy is the receiver's own buffer
		for _, b := range bufs[1:] {
			if b[0] == 99 {
				t.Fatal("copies share a buffer")
			}
		}
		st := n.Stats()
		if e := f.Effect(); e.PacketsDuplicated != 10 || st.PacketsDuplicated != 10 {
			t.Fatalf("effect %+v, stats %+v", e, st)
		}
		if st.PacketsSent+st.PacketsDuplicated != st.PacketsDelivered+st.PacketsDropped() {
			t.Fatalf("invariant with duplicates: %+v", st)
		}
		pa.Close()
	})
}

// Reorder adds one latency sample: a packet sent first arrives after one
// sent later.
func TestImpairReorderLetsLaterPacketOvertake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		f := n.NewFault("reorder")
		f.Impair("a", "b", Impairment{Reorder: 1})
		start := time.Now()
		pa.WriteTo([]byte("first"), "127.0.0.2:2")
		f.Lift() // the packet in flight keeps its extra delay
		time.Sleep(5 * ms)
		pa.WriteTo([]byte("second"), "127.0.0.2:2")
		p1, p2 := <-pb.Packets(), <-pb.Packets()
		if string(p1.Buf) != "second" || string(p2.Buf) != "first" {
			t.Fatalf("arrival order %q, %q; want second, first", p1.Buf, p2.Buf)
		}
		if d := p2.At.Sub(start); d != 20*ms {
			t.Fatalf("reordered packet took %v, want two samples (20ms)", d)
		}
		if e := f.Effect(); e.PacketsReordered != 1 {
			t.Fatalf("effect %+v", e)
		}
		pa.Close()
		pb.Close()
	})
}

// An impairment's latency applies to matching traffic only, packets and
// stream segments alike, and the newest matching latency wins.
func TestImpairLatencyMatchingLinksOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(5 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c := addHost(t, n, "c", "127.0.0.3")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		pc, _ := c.ListenPacket("", 3)
		cs, ss, ln := connect(t, a, b, 80)
		old := n.NewFault("old")
		old.Impair("a", "", Impairment{Latency: &Latency{Mean: 30 * ms}})
		slow := n.NewFault("slow")
		slow.Impair("a", "b", Impairment{Latency: &Latency{Mean: 50 * ms}})

		arrival := func(from *PacketConn, to string, in *PacketConn) time.Duration {
			start := time.Now()
			from.WriteTo([]byte("x"), to)
			p := <-in.Packets()
			return p.At.Sub(start)
		}
		if d := arrival(pa, "127.0.0.2:2", pb); d != 50*ms {
			t.Errorf("a->b packet took %v, want the newest impairment's 50ms", d)
		}
		if d := arrival(pb, "127.0.0.1:1", pa); d != 5*ms {
			t.Errorf("b->a packet took %v, want the link's 5ms", d)
		}
		if d := arrival(pa, "127.0.0.3:3", pc); d != 30*ms {
			t.Errorf("a->c packet took %v, want the older impairment's 30ms", d)
		}
		if d := arrival(pc, "127.0.0.2:2", pb); d != 5*ms {
			t.Errorf("c->b packet took %v, want the link's 5ms", d)
		}
		streamDelay := func(w io.Writer, r io.Reader) time.Duration {
			start := time.Now()
			w.Write([]byte("s"))
			r.Read(make([]byte, 1))
			return time.Since(start)
		}
		if d := streamDelay(cs, ss); d != 50*ms {
			t.Errorf("a->b segment took %v, want 50ms", d)
		}
		if d := streamDelay(ss, cs); d != 5*ms {
			t.Errorf("b->a segment took %v, want 5ms", d)
		}
		if e := slow.Effect(); e.PacketsDelayed != 1 || e.SegmentsDelayed != 1 {
			t.Errorf("slow: %+v", e)
		}
		if e := old.Effect(); e.PacketsDelayed != 1 || e.SegmentsDelayed != 0 {
			t.Errorf("old: %+v", e)
		}
		slow.Lift()
		old.Lift()
		if d := streamDelay(cs, ss); d != 5*ms {
			t.Errorf("a->b segment after lift took %v, want 5ms", d)
		}
		cs.Close()
		ss.Close()
		ln.Close()
		pa.Close()
		pb.Close()
		pc.Close()
	})
}

// Raising the latency under a stream never reorders it: segments keep
// their order even when a later one would sample a shorter delay.
func TestImpairLatencyKeepsStreamOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, a, b := twoHosts(t)
		c, s, ln := connect(t, a, b, 80)
		f := n.NewFault("jitter")
		f.Impair("a", "b", Impairment{Latency: &Latency{Dist: DistUniform, Min: ms, Max: 100 * ms}, Reorder: 1, Duplicate: 1, Loss: 1})
		var want []byte
		for i := range 200 {
			c.Write([]byte{byte(i)})
			want = append(want, byte(i))
			if i == 100 {
				f.Lift()
			}
		}
		c.Close()
		got, err := io.ReadAll(s)
		if err != nil || string(got) != string(want) {
			t.Fatalf("read %v, %v", got, err)
		}
		if e := f.Effect(); e.SegmentsDelayed != 101 || e.PacketsDropped != 0 {
			t.Fatalf("effect %+v", e)
		}
		s.Close()
		ln.Close()
	})
}

func TestImpairmentValidateAndString(t *testing.T) {
	for _, bad := range []Impairment{
		{Loss: -0.1}, {Duplicate: 1.5}, {Reorder: 2}, {Latency: &Latency{Dist: "bogus"}},
	} {
		if bad.Validate() == nil {
			t.Errorf("%v: Validate accepted it", bad)
		}
	}
	imp := Impairment{Latency: &Latency{Mean: 2 * ms}, Loss: 0.1, Reorder: 0.05}
	if err := imp.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := imp.String(), "{latency: {dist: constant, mean: 2ms}, loss: 0.1, reorder: 0.05}"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	n := newNet(t, Config{})
	f := n.NewFault("f")
	defer func() {
		if r := recover(); r == nil || !containsAll(fmt.Sprint(r), "netmodel", "loss") {
			t.Fatalf("Impair with an invalid impairment: panic %v", r)
		}
	}()
	f.Impair("a", "b", Impairment{Loss: 3})
}
