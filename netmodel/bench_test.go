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
func BenchmarkPacketPath(b *testing.B) {
	n := newNet(b, Config{Link: constant(0)})
	ha := addHost(b, n, "a", "127.0.0.1")
	hb := addHost(b, n, "b", "127.0.0.2")
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
func BenchmarkStreamThroughput(b *testing.B) {
	n := newNet(b, Config{Link: constant(0)})
	ha := addHost(b, n, "a", "127.0.0.1")
	hb := addHost(b, n, "b", "127.0.0.2")
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
