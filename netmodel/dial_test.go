package netmodel

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

func TestDialRefusedAfterRoundTrip(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		addHost(t, n, "b", "127.0.0.2")
		start := time.Now()
		_, err := a.DialTimeout("127.0.0.2:80", time.Second)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial without listener: %v, want connection refused", err)
		}
		if d := elapsed(start); d != 20*ms {
			t.Fatalf("refused after %v, want 20ms", d)
		}
		if st := n.Stats(); st.DialsRefused != 1 || st.StreamsOpened != 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestDialRefusedWhenBacklogFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(ms), AcceptBacklog: 2})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		ln, _ := b.Listen("", 80)
		var conns []net.Conn
		for range 2 {
			c, err := a.DialTimeout("127.0.0.2:80", time.Second)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		if _, err := a.DialTimeout("127.0.0.2:80", time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial into a full backlog: %v", err)
		}
		// Closing the listener resets the streams it never handed out.
		ln.Close()
		for _, c := range conns {
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("read on a stream dropped from the backlog: %v", err)
			}
			c.Close()
		}
	})
}

func TestDialTimesOutUnderBlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		ln, _ := b.Listen("", 80)
		r := block(n, "a", "b", Streams)
		start := time.Now()
		_, err := a.DialTimeout("127.0.0.2:80", time.Second)
		if !isTimeout(err) || elapsed(start) != time.Second {
			t.Fatalf("dial under block: %v after %v, want timeout after 1s", err, elapsed(start))
		}
		if rs := r.Effect(); rs.DialsStalled != 1 {
			t.Fatalf("rule stats %+v, want 1 dial stalled", rs)
		}
		// The abandoned SYN is forgotten: healing does not open a stream.
		r.Lift()
		time.Sleep(100 * ms)
		if st := n.Stats(); st.DialsTimedOut != 1 || st.StreamsOpened != 0 || len(ln.backlog) != 0 {
			t.Fatalf("stats %+v, backlog %d", st, len(ln.backlog))
		}
		ln.Close()
	})
}

func TestDialCompletesAfterBlockRemoved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		ln, _ := b.Listen("", 80)
		r := block(n, "a", "b", AllTraffic)
		type result struct {
			c   net.Conn
			err error
			at  time.Time
		}
		done := make(chan result, 1)
		go func() {
			c, err := a.DialTimeout("127.0.0.2:80", 0)
			done <- result{c, err, time.Now()}
		}()
		time.Sleep(2 * time.Second)
		synctest.Wait()
		select {
		case res := <-done:
			t.Fatalf("dial finished during the block: %v", res.err)
		default:
		}
		healed := time.Now()
		r.Lift()
		res := <-done
		if res.err != nil {
			t.Fatal(res.err)
		}
		if d := res.at.Sub(healed); d != 20*ms {
			t.Fatalf("dial completed %v after heal, want 20ms (SYN then SYN-ACK)", d)
		}
		s, _ := ln.Accept()
		res.c.Write([]byte("hi"))
		buf := make([]byte, 2)
		if k, err := s.Read(buf); err != nil || string(buf[:k]) != "hi" {
			t.Fatalf("read %q, %v", buf[:k], err)
		}
		res.c.Close()
		s.Close()
		ln.Close()
	})
}

// A block on the way back holds the SYN-ACK: the server has accepted, the
// client times out, and the server's end is then reset.
func TestDialSynAckHeld(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		ln, _ := b.Listen("", 80)
		r := block(n, "b", "a", Streams)
		if _, err := a.DialTimeout("127.0.0.2:80", 500*ms); !isTimeout(err) {
			t.Fatalf("dial: %v, want timeout", err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("half-open server end: %v, want reset", err)
		}
		if rs := r.Effect(); rs.DialsStalled != 1 {
			t.Fatalf("rule %+v", rs)
		}
		r.Lift()
		s.Close()
		ln.Close()
	})
}

func TestDialDownHostWaitsForTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		b.Listen("", 80)
		b.Crash()
		start := time.Now()
		if _, err := a.DialTimeout("127.0.0.2:80", 300*ms); !isTimeout(err) || elapsed(start) != 300*ms {
			t.Fatalf("dial to down host: %v after %v", err, elapsed(start))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*ms)
		defer cancel()
		start = time.Now()
		if _, err := a.DialContext(ctx, "tcp", "127.0.0.9:80"); !isTimeout(err) || elapsed(start) != 200*ms {
			t.Fatalf("dial to unknown IP: %v after %v", err, elapsed(start))
		}
		ctx, cancel = context.WithCancel(context.Background())
		go func() {
			time.Sleep(50 * ms)
			cancel()
		}()
		if _, err := a.DialContext(ctx, "tcp", "127.0.0.2:80"); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled dial: %v", err)
		}
		if st := n.Stats(); st.DialsTimedOut != 3 {
			t.Fatalf("DialsTimedOut %d, want 3", st.DialsTimedOut)
		}
		if _, err := a.DialTimeout("localhost:80", 0); err == nil {
			t.Fatal("dial to a name succeeded")
		}
	})
}

func TestAddHostErrors(t *testing.T) {
	n := newNet(t, Config{})
	addHost(t, n, "a", "127.0.0.1", "127.0.1.1")
	for _, c := range []struct {
		name  string
		addrs []string
	}{
		{"a", []string{"127.0.0.5"}},
		{"b", []string{"127.0.1.1"}},
		{"b", nil},
		{"b", []string{"::1"}},
		{"b", []string{"example.com"}},
		{"b", []string{"127.0.0.7", "127.0.0.7"}},
		{"", []string{"127.0.0.8"}},
	} {
		if _, err := n.AddHost(c.name, c.addrs...); err == nil {
			t.Errorf("AddHost(%q, %v) succeeded", c.name, c.addrs)
		}
	}
	if h := n.Host("a"); h == nil || h.Addrs()[1] != "127.0.1.1" || len(n.Hosts()) != 1 || n.Host("b") != nil {
		t.Fatal("lookup broken")
	}
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without Rand succeeded")
	}
	h := n.Host("a")
	if _, err := h.Listen("127.0.0.2", 80); err == nil {
		t.Fatal("listen on a foreign NIC succeeded")
	}
	if _, err := h.Listen("127.0.1.1", 80); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Listen("127.0.1.1", 80); !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("second listen on a port: %v", err)
	}
}
