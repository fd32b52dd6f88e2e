package netmodel

import (
	"errors"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"
)

// A UDPConn is what the standard library's users expect of a UDP socket: a connected one
// writes to its remote and reads what comes back with the sender's address; reads end at
// the deadline (virtual time) with a timeout error, and after Close with net.ErrClosed;
// an unconnected one refuses Write.
func TestUDPConn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{})
		a, _ := n.AddHost("a", "127.0.0.1")
		b, _ := n.AddHost("b", "127.0.0.2")
		pc, err := b.ListenPacket("", 53)
		if err != nil {
			t.Fatal(err)
		}
		srv := NewUDPConn(pc)
		c, err := a.DialPacket("127.0.0.2:53")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 16)
		k, from, err := srv.ReadFrom(buf)
		if err != nil || string(buf[:k]) != "ping" || from.String() != c.LocalAddr().String() {
			t.Fatalf("server read %q from %v: %v", buf[:k], from, err)
		}
		if _, err := srv.WriteTo([]byte("pong"), from); err != nil {
			t.Fatal(err)
		}
		if k, err := c.Read(buf); err != nil || string(buf[:k]) != "pong" {
			t.Fatalf("client read %q: %v", buf[:k], err)
		}
		start := time.Now()
		c.SetReadDeadline(start.Add(time.Second))
		_, err = c.Read(buf)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) != time.Second {
			t.Errorf("read past the deadline: %v after %s", err, time.Since(start))
		}
		if _, err := srv.Write([]byte("x")); err == nil {
			t.Error("an unconnected UDPConn wrote")
		}
		srv.Close()
		if _, _, err := srv.ReadFrom(buf); !errors.Is(err, net.ErrClosed) {
			t.Errorf("read after close: %v", err)
		}
		c.Close()
	})
}
