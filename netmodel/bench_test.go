package netmodel

import (
	"io"
	"testing"
	"time"
)

// BenchmarkPacketPath measures packets per second through WriteTo ->
// timer -> Packets with a constant (zero) latency on the real clock. A
// window of 256 outstanding packets keeps the inbox from overflowing, so
// every packet takes the full delivery path.
func BenchmarkPacketPath(b *testing.B) { benchPacketPath(b, false) }

// BenchmarkPacketPathUnrelatedFault is BenchmarkPacketPath with one fault
// installed that matches none of the traffic: the cost of fault matching
// on the packet path (the budget is 20% over BenchmarkPacketPath).
func BenchmarkPacketPathUnrelatedFault(b *testing.B) { benchPacketPath(b, true) }

// installUnrelatedFault adds hosts c and d and one fault with every kind
// of piece between them, so every matching loop runs and none matches a-b.
func installUnrelatedFault(b *testing.B, n *Network) {
	addHost(b, n, "c", "127.0.0.3", "127.0.1.3")
	addHost(b, n, "d", "127.0.0.4")
	f := n.NewFault("unrelated")
	f.Block("c", "d", AllTraffic)
	f.Impair("c", "d", Impairment{Latency: &Latency{Mean: ms}, Loss: 0.5, Duplicate: 0.5, Reorder: 0.5})
	f.Pause("d")
	f.NICDown("c", 1)
}

func benchPacketPath(b *testing.B, fault bool) {
	n := newNet(b, Config{Link: constant(0)})
	ha := addHost(b, n, "a", "127.0.0.1")
	hb := addHost(b, n, "b", "127.0.0.2")
	if fault {
		installUnrelatedFault(b, n)
	}
	pa, _ := ha.ListenPacket("", 1)
	pb, _ := hb.ListenPacket("", 2)
	defer pa.Close()
	defer pb.Close()
	const window = 256
	credits := make(chan struct{}, window)
	for range window {
		credits <- struct{}{}
	}
	done := make(chan struct{})
	go func() {
		for range b.N {
			<-pb.Packets()
			credits <- struct{}{}
		}
		close(done)
	}()
	payload := make([]byte, 512)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		<-credits
		if err := pa.WriteTo(payload, "127.0.0.2:2"); err != nil {
			b.Fatal(err)
		}
	}
	<-done
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "packets/s")
	if st := n.Stats(); st.PacketsDropped() != 0 {
		b.Fatalf("drops: %+v", st)
	}
}

// BenchmarkStreamThroughput measures bytes per second through one stream
// direction, 32 KiB writes, zero latency, real clock.
func BenchmarkStreamThroughput(b *testing.B) { benchStreamThroughput(b, false) }

// BenchmarkStreamThroughputUnrelatedFault is BenchmarkStreamThroughput
// with one fault installed that matches none of the traffic.
func BenchmarkStreamThroughputUnrelatedFault(b *testing.B) { benchStreamThroughput(b, true) }

func benchStreamThroughput(b *testing.B, fault bool) {
	n := newNet(b, Config{Link: constant(0)})
	ha := addHost(b, n, "a", "127.0.0.1")
	hb := addHost(b, n, "b", "127.0.0.2")
	if fault {
		installUnrelatedFault(b, n)
	}
	c, s, ln := connect(b, ha, hb, 80)
	defer ln.Close()
	chunk := make([]byte, 32<<10)
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	done := make(chan int64)
	go func() {
		k, _ := io.Copy(io.Discard, s)
		done <- k
	}()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	c.Close()
	if k := <-done; k != int64(b.N)*int64(len(chunk)) {
		b.Fatalf("read %d bytes", k)
	}
	s.Close()
}

// BenchmarkFaultMatching measures the work the packet path adds per packet
// when one unrelated fault is installed (hold matching, then impairment
// matching), without the timer and channel costs that dominate
// BenchmarkPacketPath: the nanoseconds to compare with its ns/op.
func BenchmarkFaultMatching(b *testing.B) {
	n := newNet(b, Config{Link: constant(0)})
	ha := addHost(b, n, "a", "127.0.0.1")
	hb := addHost(b, n, "b", "127.0.0.2")
	installUnrelatedFault(b, n)
	fl := flow{ha, hb, "127.0.0.1", "127.0.0.2"}
	n.mu.Lock()
	defer n.mu.Unlock()
	b.ReportAllocs()
	for range b.N {
		if n.holderLocked(fl, Packets) != nil ||
			n.impairDrawLocked(ha, hb, impLoss) != nil ||
			n.impairedLatencyLocked(ha, hb) != nil ||
			n.impairDrawLocked(ha, hb, impReorder) != nil ||
			n.impairDrawLocked(ha, hb, impDuplicate) != nil {
			b.Fatal("the unrelated fault matched")
		}
	}
}
