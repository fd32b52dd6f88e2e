package netmodel

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

func TestStreamLatencyOrderAndEOF(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		start := time.Now()
		c, s, ln := connect(t, a, b, 80)
		if got := elapsed(start); got != 20*ms {
			t.Fatalf("handshake took %v, want one round trip (20ms)", got)
		}
		if c.LocalAddr().String() != "127.0.0.1:40000" || c.RemoteAddr().String() != "127.0.0.2:80" ||
			s.RemoteAddr().String() != "127.0.0.1:40000" || c.LocalAddr().Network() != "tcp" {
			t.Fatalf("addresses: client %v->%v, server %v->%v", c.LocalAddr(), c.RemoteAddr(), s.LocalAddr(), s.RemoteAddr())
		}
		start = time.Now()
		for _, w := range []string{"one ", "two ", "three"} {
			if _, err := c.Write([]byte(w)); err != nil {
				t.Fatal(err)
			}
		}
		c.Close()
		got, err := io.ReadAll(s)
		if err != nil || string(got) != "one two three" {
			t.Fatalf("read %q, %v", got, err)
		}
		if d := elapsed(start); d != 10*ms {
			t.Fatalf("data and FIN arrived after %v, want 10ms", d)
		}
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
			t.Fatalf("read after own Close: %v, want net.ErrClosed", err)
		}
		// Writes to a closed peer are accepted and discarded.
		if k, err := s.Write([]byte("late")); k != 4 || err != nil {
			t.Fatalf("write to closed peer: %d, %v", k, err)
		}
		s.Close()
		ln.Close()
		if st := n.Stats(); st.StreamsOpened != 1 || st.StreamBytes != 17 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestStreamCloseWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, b := twoHosts(t)
		c, s, ln := connect(t, a, b, 80)
		c.Write([]byte("request"))
		c.(*Conn).CloseWrite()
		req, _ := io.ReadAll(s)
		s.Write([]byte("reply to " + string(req)))
		s.Close()
		resp, err := io.ReadAll(c)
		if err != nil || string(resp) != "reply to request" {
			t.Fatalf("half-close: %q, %v", resp, err)
		}
		c.Close()
		ln.Close()
	})
}

func TestStreamPartitionStallsThenResumesInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c, s, ln := connect(t, a, b, 80)
		buf := make([]byte, 100)

		c.Write([]byte("abc"))
		k, _ := s.Read(buf)
		if string(buf[:k]) != "abc" {
			t.Fatalf("read %q", buf[:k])
		}

		r := block(n, "a", "b", Streams)
		c.Write([]byte("def"))
		c.Write([]byte("ghi"))
		// The other direction is not blocked.
		s.Write([]byte("pong"))
		k, _ = c.Read(buf)
		if string(buf[:k]) != "pong" {
			t.Fatalf("b->a during a->b block: %q", buf[:k])
		}
		// a->b stalls: nothing arrives, nothing is lost.
		s.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := s.Read(buf); !isTimeout(err) {
			t.Fatalf("read during partition: %v, want timeout", err)
		}
		c.Write([]byte("jkl"))
		c.Close()
		s.SetReadDeadline(time.Time{})
		time.Sleep(time.Second)
		healed := time.Now()
		r.Lift()
		got, err := io.ReadAll(s)
		if err != nil || string(got) != "defghijkl" {
			t.Fatalf("after heal read %q, %v", got, err)
		}
		if d := elapsed(healed); d != 10*ms {
			t.Fatalf("held bytes arrived %v after heal, want 10ms", d)
		}
		// def, ghi, jkl, FIN
		if rs, ns := r.Effect(), n.Stats(); rs.SegmentsHeld != 4 || ns.StreamSegmentsHeld != 4 || rs.PacketsDropped != 0 {
			t.Fatalf("rule %+v, network %+v: want 4 segments held", rs, ns)
		}
		s.Close()
		ln.Close()
	})
}

func TestStreamBufferLimitBlocksWriter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(ms), StreamBufferLimit: 100})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c, s, ln := connect(t, a, b, 80)
		r := block(n, "a", "b", Streams)
		start := time.Now()
		c.SetWriteDeadline(start.Add(500 * ms))
		k, err := c.Write(make([]byte, 150))
		if k != 100 || !isTimeout(err) || elapsed(start) != 500*ms {
			t.Fatalf("write into a full stalled stream: %d, %v after %v; want 100, timeout after 500ms", k, err, elapsed(start))
		}
		// A reader draining the buffer unblocks a writer.
		c.SetWriteDeadline(time.Time{})
		r.Lift()
		done := make(chan int)
		go func() {
			k, _ := c.Write(make([]byte, 150))
			done <- k
		}()
		total := 0
		buf := make([]byte, 64)
		for total < 250 {
			k, err := s.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			total += k
		}
		if k := <-done; k != 150 {
			t.Fatalf("second write wrote %d", k)
		}
		c.Close()
		s.Close()
		ln.Close()
	})
}

func TestStreamDeadlines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, b := twoHosts(t)
		c, s, ln := connect(t, a, b, 80)
		buf := make([]byte, 10)

		start := time.Now()
		s.SetReadDeadline(start.Add(250 * ms))
		_, err := s.Read(buf)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("read past deadline: %v, want a timeout net.Error", err)
		}
		if d := elapsed(start); d != 250*ms {
			t.Fatalf("deadline fired after %v, want 250ms", d)
		}
		// A passed deadline fails at once even with data buffered.
		c.Write([]byte("x"))
		time.Sleep(5 * ms)
		if _, err := s.Read(buf); !isTimeout(err) {
			t.Fatalf("read with passed deadline: %v", err)
		}
		// Extending the deadline while a reader blocks re-arms it.
		s.SetReadDeadline(time.Time{})
		s.Read(buf)
		start = time.Now()
		s.SetReadDeadline(start.Add(100 * ms))
		go func() {
			time.Sleep(50 * ms)
			s.SetReadDeadline(start.Add(300 * ms))
		}()
		if _, err := s.Read(buf); !isTimeout(err) || elapsed(start) != 300*ms {
			t.Fatalf("re-armed deadline: %v after %v, want timeout after 300ms", err, elapsed(start))
		}
		// Clearing it makes reads work again.
		s.SetDeadline(time.Time{})
		c.Write([]byte("y"))
		if k, err := s.Read(buf); k != 1 || err != nil {
			t.Fatalf("read after clearing deadline: %d, %v", k, err)
		}
		c.Close()
		s.Close()
		ln.Close()
	})
}

func TestCrashResetsStreamsOnBothSides(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c, s, ln := connect(t, a, b, 80)
		buf := make([]byte, 10)

		accepted := make(chan error)
		go func() {
			_, err := ln.Accept()
			accepted <- err
		}()
		clientRead := make(chan error)
		go func() {
			_, err := c.Read(buf)
			clientRead <- err
		}()
		synctest.Wait()
		crashed := time.Now()
		b.Crash()
		if _, err := s.Read(buf); !errors.Is(err, ErrHostDown) {
			t.Fatalf("crashed side read: %v, want ErrHostDown at once", err)
		}
		if _, err := s.Write([]byte("x")); !errors.Is(err, ErrHostDown) {
			t.Fatalf("crashed side write: %v", err)
		}
		if err := <-accepted; !errors.Is(err, net.ErrClosed) {
			t.Fatalf("accept on crashed host: %v", err)
		}
		err := <-clientRead
		if !errors.Is(err, syscall.ECONNRESET) || !strings.Contains(strings.ToLower(err.Error()), "connection reset by peer") {
			t.Fatalf("peer read: %v, want connection reset by peer", err)
		}
		if d := elapsed(crashed); d != 10*ms {
			t.Fatalf("peer saw the reset after %v, want 10ms", d)
		}
		if st := n.Stats(); st.StreamsReset != 2 {
			t.Fatalf("StreamsReset %d, want 2", st.StreamsReset)
		}
		if _, err := b.Listen("", 80); !errors.Is(err, ErrHostDown) {
			t.Fatalf("listen on a down host: %v", err)
		}
		if _, err := b.DialTimeout("127.0.0.1:1", time.Second); !errors.Is(err, ErrHostDown) {
			t.Fatalf("dial from a down host: %v", err)
		}
		c.Close()
		s.Close()

		// After a restart the node re-creates its listener on the same port.
		b.Restart()
		c2, s2, ln2 := connect(t, a, b, 80)
		c2.Close()
		s2.Close()
		ln2.Close()
	})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
