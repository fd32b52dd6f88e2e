package netmodel

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// A numbered byte stream written before, during and after a symmetric
// partition arrives whole and in order once the partition is lifted, and
// nothing arrives while it is installed.
func TestFaultPartitionStallsAndResumesNumberedStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: LinkConfig{Latency: Latency{Dist: DistUniform, Min: ms, Max: 9 * ms}}})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c, s, ln := connect(t, a, b, 80)
		const words = 40000 // written in batches of 1..500 words, 1ms apart
		go func() {
			var buf []byte
			for i := 0; i < words; {
				buf = buf[:0]
				for k := 0; k < 1+i%500 && i < words; k++ {
					buf = binary.BigEndian.AppendUint32(buf, uint32(i))
					i++
				}
				if _, err := c.Write(buf); err != nil {
					t.Errorf("write: %v", err)
					return
				}
				time.Sleep(ms)
			}
			c.Close()
		}()
		var mu sync.Mutex
		var got []byte
		readDone := make(chan error, 1)
		go func() {
			buf := make([]byte, 1000) // small reads: word boundaries do not align
			for {
				k, err := s.Read(buf)
				mu.Lock()
				got = append(got, buf[:k]...)
				mu.Unlock()
				if err != nil {
					if err == io.EOF {
						err = nil
					}
					readDone <- err
					return
				}
			}
		}()
		received := func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(got)
		}
		time.Sleep(50 * ms)
		f := n.NewFault("partition")
		f.Block("a", "b", AllTraffic)
		f.Block("b", "a", AllTraffic)
		time.Sleep(10 * ms) // segments already due before the block are in
		atBlock := received()
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if got := received(); got != atBlock || atBlock == 0 || atBlock == 4*words {
			t.Fatalf("received %d bytes at the block, %d two seconds later (of %d)", atBlock, got, 4*words)
		}
		f.Lift()
		if err := <-readDone; err != nil {
			t.Fatal(err)
		}
		if len(got) != 4*words {
			t.Fatalf("read %d bytes, want %d", len(got), 4*words)
		}
		for i := range words {
			if w := binary.BigEndian.Uint32(got[4*i:]); w != uint32(i) {
				t.Fatalf("word %d is %d: bytes lost or reordered", i, w)
			}
		}
		if e := f.Effect(); e.SegmentsHeld == 0 || e.PacketsDropped != 0 {
			t.Fatalf("effect %+v", e)
		}
		s.Close()
		ln.Close()
	})
}

// Streams across a partition: all data written during it is read in order
// afterwards, checked word by word from the start.
func TestFaultPartitionNumberedStreamFromStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(5 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c, s, ln := connect(t, a, b, 80)
		f := n.NewFault("partition")
		f.Block("a", "b", AllTraffic)
		f.Block("b", "a", AllTraffic)
		const words = 50000
		go func() {
			for i := range words {
				c.Write(binary.BigEndian.AppendUint32(nil, uint32(i)))
				if i%1000 == 0 {
					time.Sleep(ms)
				}
			}
			c.Close()
		}()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if got := len(s.(*Conn).in.chunks); got != 0 {
			t.Fatalf("%d chunks delivered during the partition", got)
		}
		f.Lift()
		got, err := io.ReadAll(s)
		if err != nil || len(got) != 4*words {
			t.Fatalf("read %d bytes, %v; want %d", len(got), err, 4*words)
		}
		for i := range words {
			if w := binary.BigEndian.Uint32(got[4*i:]); w != uint32(i) {
				t.Fatalf("word %d is %d", i, w)
			}
		}
		if e := f.Effect(); e.SegmentsHeld != words+1 || e.PacketsDropped != 0 {
			t.Fatalf("effect %+v, want %d segments held (data + FIN)", e, words+1)
		}
		s.Close()
		ln.Close()
	})
}

// A one-way fault stops a->b only, for packets and for streams.
func TestFaultOneWayBlocksOneDirection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, a, b := twoHosts(t)
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		c, s, ln := connect(t, a, b, 80)
		f := n.NewFault("one-way")
		f.Block("a", "b", AllTraffic)
		pa.WriteTo([]byte("a->b"), "127.0.0.2:2")
		pb.WriteTo([]byte("b->a"), "127.0.0.1:1")
		c.Write([]byte("stream a->b"))
		s.Write([]byte("stream b->a"))
		time.Sleep(100 * ms)
		if len(pb.Packets()) != 0 || len(pa.Packets()) != 1 {
			t.Fatalf("packets: b got %d (want 0), a got %d (want 1)", len(pb.Packets()), len(pa.Packets()))
		}
		buf := make([]byte, 64)
		k, err := c.Read(buf)
		if err != nil || string(buf[:k]) != "stream b->a" {
			t.Fatalf("b->a stream: %q, %v", buf[:k], err)
		}
		s.SetReadDeadline(time.Now().Add(100 * ms))
		if _, err := s.Read(buf); !isTimeout(err) {
			t.Fatalf("a->b stream during the fault: %v, want timeout", err)
		}
		want := Traffic{PacketsDropped: 1, SegmentsHeld: 1}
		if e := f.Effect(); e != want {
			t.Fatalf("effect %+v, want %+v", e, want)
		}
		f.Lift()
		s.SetReadDeadline(time.Time{})
		k, err = s.Read(buf)
		if err != nil || string(buf[:k]) != "stream a->b" {
			t.Fatalf("a->b stream after lift: %q, %v", buf[:k], err)
		}
		c.Close()
		s.Close()
		ln.Close()
		pa.Close()
		pb.Close()
	})
}

// Overlapping faults: the oldest matching piece is charged, so the faults'
// counters add up to the network's fault counters.
func TestFaultEffectsSumToNetworkCounters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(ms), PauseQueueLimit: 4})
		a := addHost(t, n, "a", "127.0.0.1", "127.0.1.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c := addHost(t, n, "c", "127.0.0.3")
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		pc, _ := c.ListenPacket("", 3)
		ca, sb, ln := connect(t, a, b, 80)

		f1 := n.NewFault("f1")
		f1.Block("a", "b", Packets)
		f2 := n.NewFault("f2")
		f2.Block("a", "", AllTraffic) // overlaps f1 for a->b packets
		f2.Pause("c")
		f3 := n.NewFault("f3")
		f3.NICDown("a", 0)
		f3.Impair("", "", Impairment{Loss: 0.5})
		quiet := n.NewFault("quiet")
		quiet.Block("x", "y", AllTraffic)
		quiet.Impair("x", "", Impairment{Loss: 1, Latency: &Latency{Mean: time.Second}})

		send := func(k int) {
			for range k {
				pa.WriteTo([]byte("a->b"), "127.0.0.2:2") // f1
				pa.WriteTo([]byte("a->c"), "127.0.0.3:3") // f2 (block is older than the pause)
				pb.WriteTo([]byte("b->c"), "127.0.0.3:3") // f2 pause, 4 held then dropped
				pb.WriteTo([]byte("b->a"), "127.0.0.1:1") // f3 NIC
				pc.WriteTo([]byte("c->b"), "127.0.0.2:2") // f2 pause
			}
			ca.Write([]byte("x")) // f2 holds a->b streams
			sb.Write([]byte("y")) // f3 holds b->a (a's NIC 0)
		}
		send(3)
		time.Sleep(10 * ms)
		f1.Lift()
		send(2) // a->b packets now charged to f2
		f2.Lift()
		send(2) // a's NIC is still down; c is free; b->c and c->b lossy
		time.Sleep(10 * ms)
		for _, f := range []*Fault{f1, f2, f3} {
			if !f.Effect().Any() {
				t.Errorf("%v had no effect", f)
			}
		}
		var sum Traffic
		for _, f := range []*Fault{f1, f2, f3, quiet} {
			sum.Add(f.Effect())
		}
		st := n.Stats()
		if got, want := sum.PacketsDropped, st.PacketsDroppedBlocked+st.PacketsDroppedNIC+st.PacketsDroppedImpaired+st.PacketsDroppedPauseQueue; got != want {
			t.Errorf("faults dropped %d packets, network counted %d: %+v", got, want, st)
		}
		if sum.PacketsHeld != st.PacketsHeld || sum.SegmentsHeld != st.StreamSegmentsHeld || sum.DialsStalled != st.DialsStalled {
			t.Errorf("held: faults %+v, network %+v", sum, st)
		}
		if e := f1.Effect(); e.PacketsDropped != 3 {
			t.Errorf("f1 %+v, want the 3 a->b packets sent while it was the oldest", e)
		}
		if e := f2.Effect(); e.PacketsHeld != 4 || e.SegmentsHeld != 2 {
			t.Errorf("f2 %+v, want 4 packets held (queue limit), 2 segments", e)
		}
		if e := quiet.Effect(); e.Any() {
			t.Errorf("a fault that matched nothing: %+v", e)
		}
		f3.Lift()
		quiet.Lift()
		time.Sleep(10 * ms)
		st = n.Stats()
		if st.PacketsSent+st.PacketsDuplicated != st.PacketsDelivered+st.PacketsDropped() {
			t.Errorf("packet counters do not add up: %+v", st)
		}
		ca.Close()
		sb.Close()
		ln.Close()
		pa.Close()
		pb.Close()
		pc.Close()
	})
}

func TestFaultLiftIdempotentAndZeroEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, a, b := twoHosts(t)
		pa, _ := a.ListenPacket("", 1)
		pb, _ := b.ListenPacket("", 2)
		f := n.NewFault("elsewhere")
		f.Block("a", "c", AllTraffic)
		f.Pause("c")
		f.NICDown("b", 0) // b sends and receives nothing while f is active
		f.Impair("c", "a", Impairment{Duplicate: 1})
		if f.Name() != "elsewhere" || !f.Active() {
			t.Fatalf("new fault: %q active=%v", f.Name(), f.Active())
		}
		want := "elsewhere: block a->c all, pause c, nic-down b/0, impair c->a {duplicate: 1}"
		if got := f.String(); got != want {
			t.Fatalf("String() = %q\nwant       %q", got, want)
		}
		pa.WriteTo([]byte("x"), "127.0.0.1:1") // a to itself
		time.Sleep(10 * ms)
		if e := f.Effect(); e.Any() {
			t.Fatalf("fault that matched nothing: %+v", e)
		}
		f.Lift()
		f.Lift()
		if f.Active() {
			t.Fatal("active after Lift")
		}
		pa.WriteTo([]byte("y"), "127.0.0.2:2")
		time.Sleep(10 * ms)
		if len(pb.Packets()) != 1 || f.Effect().Any() {
			t.Fatalf("after lift: %d packets, effect %+v", len(pb.Packets()), f.Effect())
		}
		defer func() {
			if recover() == nil {
				t.Fatal("Block on a lifted fault did not panic")
			}
			pa.Close()
			pb.Close()
		}()
		f.Block("a", "b", Packets)
	})
}

func TestCrashReturnsStreamsReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, a, b := twoHosts(t)
		c1, _, lnb := connect(t, a, b, 80)
		c2, _, _ := connect(t, a, b, 81)
		c3, _, lna := connect(t, b, a, 90) // dialed by b
		if got := b.Crash(); got != 3 {
			t.Fatalf("Crash() = %d, want 3 (two accepted ends, one dialed)", got)
		}
		if got := b.Crash(); got != 0 {
			t.Fatalf("second Crash() = %d", got)
		}
		time.Sleep(10 * ms)
		if st := n.Stats(); st.StreamsReset != 6 {
			t.Fatalf("StreamsReset %d, want 6 (both sides)", st.StreamsReset)
		}
		c1.Close()
		c2.Close()
		c3.Close()
		lnb.Close()
		lna.Close()
	})
}

// A fault that matches nothing must not draw from the network's rand: a
// run with one installed gives the same arrivals as a run without.
func TestUnrelatedFaultKeepsRandomStream(t *testing.T) {
	run := func(fault bool) string {
		var out string
		synctest.Test(t, func(t *testing.T) {
			lc := LinkConfig{Latency: Latency{Dist: DistNormal, Mean: 5 * ms, Stddev: 2 * ms}, Loss: 0.2}
			n := newNet(t, Config{Link: lc, Rand: rand.New(rand.NewSource(9))})
			a := addHost(t, n, "a", "127.0.0.1")
			b := addHost(t, n, "b", "127.0.0.2")
			addHost(t, n, "c", "127.0.0.3")
			if fault {
				f := n.NewFault("unrelated")
				f.Impair("c", "", Impairment{Latency: &Latency{Dist: DistUniform, Max: ms}, Loss: 0.5, Duplicate: 0.5, Reorder: 0.5})
				f.Impair("", "c", Impairment{Loss: 0.5})
				f.Block("c", "a", AllTraffic)
				f.Pause("c")
				f.NICDown("c", 0)
			}
			pa, _ := a.ListenPacket("", 1)
			pb, _ := b.ListenPacket("", 2)
			c, s, ln := connect(t, a, b, 80)
			start := time.Now()
			for i := range 200 {
				pa.WriteTo([]byte{byte(i)}, "127.0.0.2:2")
				c.Write([]byte{byte(i)})
				time.Sleep(ms)
			}
			c.Close()
			time.Sleep(time.Second)
			data, _ := io.ReadAll(s)
			pb.Close()
			for p := range pb.Packets() {
				out += fmt.Sprint(p.At.Sub(start), p.Buf[0], " ")
			}
			out += fmt.Sprint(len(data), n.Stats())
			pa.Close()
			s.Close()
			ln.Close()
		})
		return out
	}
	if without, with := run(false), run(true); without != with {
		t.Fatalf("an unrelated fault changed the run:\nwithout %s\nwith    %s", without, with)
	}
}
