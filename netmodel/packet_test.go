package netmodel

import (
	"fmt"
	"math/rand"
	"testing"
	"testing/synctest"
	"time"
)

func TestPacketDeliveredAfterLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(5 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2", "127.0.1.2")
		n.SetLink("127.0.0.1", "127.0.1.2", constant(30*ms))
		pa, _ := a.ListenPacket("", 1000)
		pb, _ := b.ListenPacket("127.0.0.2", 2000)
		pb2, _ := b.ListenPacket("127.0.1.2", 2000)
		start := time.Now()
		if err := pa.WriteTo([]byte("hi"), "127.0.0.2:2000"); err != nil {
			t.Fatal(err)
		}
		if err := pa.WriteTo([]byte("slow"), "127.0.1.2:2000"); err != nil {
			t.Fatal(err)
		}
		p := <-pb.Packets()
		if got := elapsed(start); got != 5*ms {
			t.Fatalf("delivered after %v, want 5ms", got)
		}
		if string(p.Buf) != "hi" || p.From.String() != "127.0.0.1:1000" || p.From.Network() != "udp" || !p.At.Equal(start.Add(5*ms)) {
			t.Fatalf("bad packet %q from %v at %v", p.Buf, p.From, p.At)
		}
		p = <-pb2.Packets()
		if got := elapsed(start); got != 30*ms || string(p.Buf) != "slow" {
			t.Fatalf("SetLink: %q after %v, want \"slow\" after 30ms", p.Buf, got)
		}
		pa.Close()
		pb.Close()
		pb2.Close()
		if _, ok := <-pb.Packets(); ok {
			t.Fatal("Packets channel not closed by Close")
		}
	})
}

func TestPacketLossCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lc := constant(ms)
		lc.Loss = 0.5
		n := newNet(t, Config{Link: lc, InboxLimit: 2000})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		for i := range 1000 {
			pa.WriteTo(fmt.Appendf(nil, "%d", i), "127.0.0.2:2")
		}
		time.Sleep(2 * ms)
		got := len(pb.Packets())
		if got < 430 || got > 570 {
			t.Fatalf("%d of 1000 packets delivered at loss 0.5", got)
		}
		s := n.Stats()
		if s.PacketsSent != 1000 || s.PacketsDelivered != uint64(got) || s.PacketsDroppedLoss != uint64(1000-got) {
			t.Fatalf("counters do not add up: %+v (received %d)", s, got)
		}
		if s.PacketsSent != s.PacketsDelivered+s.PacketsDropped() {
			t.Fatalf("sent != delivered + dropped: %+v", s)
		}
		pa.Close()
		pb.Close()
	})
}

func TestPacketQueueOverflowCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lc := constant(10 * ms)
		lc.QueueLimit = 10
		n := newNet(t, Config{Link: lc})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		for range 50 {
			pa.WriteTo([]byte("x"), "127.0.0.2:2")
		}
		time.Sleep(10 * ms)
		synctest.Wait()
		// The queue has drained: the link takes packets again.
		pa.WriteTo([]byte("y"), "127.0.0.2:2")
		time.Sleep(10 * ms)
		synctest.Wait()
		s := n.Stats()
		if s.PacketsDelivered != 11 || s.PacketsDroppedQueue != 40 || len(pb.Packets()) != 11 {
			t.Fatalf("want 11 delivered, 40 queue drops: %+v", s)
		}
		pa.Close()
		pb.Close()
	})
}

func TestPacketInboxOverflowCounted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(ms), InboxLimit: 5})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		for range 20 {
			pa.WriteTo([]byte("x"), "127.0.0.2:2")
		}
		time.Sleep(2 * ms)
		s := n.Stats()
		if s.PacketsDelivered != 5 || s.PacketsDroppedInbox != 15 {
			t.Fatalf("want 5 delivered, 15 inbox drops: %+v", s)
		}
		pa.Close()
		pb.Close()
	})
}

func TestPacketDropReasons(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)

		pa.WriteTo([]byte("no listener"), "127.0.0.2:3")
		pa.WriteTo([]byte("no route"), "127.0.0.9:2")
		time.Sleep(10 * ms)

		r := block(n, "a", "b", Packets)
		sb := block(n, "a", "b", Streams) // must not touch packets
		for range 3 {
			pa.WriteTo([]byte("blocked"), "127.0.0.2:2")
		}
		pb.WriteTo([]byte("other way"), "127.0.0.1:1") // b -> a is open
		r.Lift()
		sb.Lift()
		if got := r.Effect(); got.PacketsDropped != 3 {
			t.Fatalf("%v: %+v, want 3 packets dropped", r, got)
		}
		if got := r.String(); got != "block a->b packets: block a->b packets" {
			t.Fatalf("the fault prints %q", got)
		}

		pa.WriteTo([]byte("in flight at crash"), "127.0.0.2:2")
		time.Sleep(5 * ms)
		b.Crash()
		if _, ok := <-pb.Packets(); ok {
			t.Fatal("crash did not close the packet endpoint")
		}
		pa.WriteTo([]byte("to a down host"), "127.0.0.2:2")
		if err := pb.WriteTo([]byte("from a down host"), "127.0.0.1:1"); err == nil {
			t.Fatal("WriteTo on an endpoint closed by a crash succeeded")
		}
		time.Sleep(20 * ms)
		p := <-pa.Packets()
		if string(p.Buf) != "other way" {
			t.Fatalf("a got %q", p.Buf)
		}
		want := Stats{
			PacketsSent: 8, PacketsDelivered: 1, PacketsDroppedNoListener: 1, PacketsDroppedNoRoute: 1,
			PacketsDroppedBlocked: 3, PacketsDroppedDown: 2,
		}
		if s := n.Stats(); s != want {
			t.Fatalf("stats %+v\nwant  %+v", s, want)
		}
		pa.Close()
	})
}

// The same seed must give the same run: packet arrival times with jitter and
// loss are identical across two bubbles.
func TestPacketDeterminism(t *testing.T) {
	run := func(seed int64) []time.Duration {
		var got []time.Duration
		synctest.Test(t, func(t *testing.T) {
			lc := LinkConfig{Latency: Latency{Dist: DistNormal, Mean: 5 * ms, Stddev: 2 * ms}, Loss: 0.2}
			n := newNet(t, Config{Link: lc, Rand: rand.New(rand.NewSource(seed))})
			a := addHost(t, n, "a", "127.0.0.1")
			b := addHost(t, n, "b", "127.0.0.2")
			pa, _ := a.ListenPacket("", 1)
			pb, _ := b.ListenPacket("", 2)
			start := time.Now()
			for i := range 100 {
				pa.WriteTo([]byte{byte(i)}, "127.0.0.2:2")
				time.Sleep(ms)
			}
			time.Sleep(time.Second)
			pb.Close()
			for p := range pb.Packets() {
				got = append(got, p.At.Sub(start)+time.Duration(p.Buf[0]))
			}
			pa.Close()
		})
		return got
	}
	a, b, c := run(1), run(1), run(2)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed, different arrivals")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Fatal("different seeds, same arrivals")
	}
}
