package netmodel

import (
	"testing"
	"testing/synctest"
	"time"
)

// firedAt arms AfterPeerClose on c and returns a channel that receives the virtual time
// the callback ran.
func firedAt(c *Conn) (<-chan time.Time, func() bool) {
	ch := make(chan time.Time, 1)
	stop := c.AfterPeerClose(func() { ch <- time.Now() })
	return ch, stop
}

func TestAfterPeerCloseFiresWhenTheFINArrives(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: constant(10 * ms)})
		a := addHost(t, n, "a", "127.0.0.1")
		b := addHost(t, n, "b", "127.0.0.2")
		c, s, ln := connect(t, a, b, 80)
		defer ln.Close()
		fired, _ := firedAt(s.(*Conn))
		c.Write([]byte("data is not a close"))
		synctest.Wait()
		select {
		case <-fired:
			t.Fatal("fired on data")
		default:
		}
		start := time.Now()
		c.Close()
		if at := <-fired; at.Sub(start) != 10*ms {
			t.Fatalf("fired %v after the close, want when the FIN arrives (10ms)", at.Sub(start))
		}
		// The bytes sent before the FIN are still there to read.
		buf := make([]byte, 64)
		if k, err := s.Read(buf); err != nil || string(buf[:k]) != "data is not a close" {
			t.Fatalf("read %q, %v", buf[:k], err)
		}
		s.Close()
	})
}

func TestAfterPeerCloseStopAndReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, a, b := twoHosts(t)
		c, s, ln := connect(t, a, b, 80)
		defer ln.Close()
		fired, stop := firedAt(c.(*Conn))
		if !stop() {
			t.Fatal("stop of an armed callback reported false")
		}
		if stop() {
			t.Fatal("a second stop reported true")
		}
		fired2, stop2 := firedAt(c.(*Conn))
		b.Crash() // resets s; the RST travels to c
		time.Sleep(time.Second)
		select {
		case <-fired:
			t.Fatal("a stopped callback ran")
		case <-fired2:
		default:
			t.Fatal("the reset did not fire the callback")
		}
		if stop2() {
			t.Fatal("stop after firing reported true")
		}
		// Already gone: fires at once.
		fired3, stop3 := firedAt(c.(*Conn))
		<-fired3
		if stop3() {
			t.Fatal("stop of a callback armed on a dead end reported true")
		}
		c.Close()
		s.Close()
		if n.Stats().StreamsReset == 0 {
			t.Fatal("the crash reset no stream")
		}
	})
}

func TestAfterPeerCloseFiresOnOwnClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, b := twoHosts(t)
		c, s, ln := connect(t, a, b, 80)
		defer ln.Close()
		fired, _ := firedAt(s.(*Conn))
		s.Close()
		<-fired
		c.Close()
	})
}
