package netmodel

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/memberlist"
)

func TestMemberlistClusterJoinsAndShutsDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, Config{Link: LinkConfig{Latency: Latency{Dist: DistNormal, Mean: 2 * ms, Stddev: ms / 2}}})
		var mls []*memberlist.Memberlist
		for i := range 3 {
			h := addHost(t, n, fmt.Sprintf("node%d", i), fmt.Sprintf("127.0.0.%d", i+1))
			tr, err := NewMemberlistTransport(h, "", 7946)
			if err != nil {
				t.Fatal(err)
			}
			conf := memberlist.DefaultLocalConfig()
			conf.Name = h.Name()
			conf.Transport = tr
			conf.Logger = log.New(io.Discard, "", 0)
			ml, err := memberlist.Create(conf)
			if err != nil {
				t.Fatal(err)
			}
			mls = append(mls, ml)
		}
		start := time.Now()
		for _, ml := range mls[1:] {
			if k, err := ml.Join([]string{"127.0.0.1:7946"}); k != 1 || err != nil {
				t.Fatalf("join: %d, %v", k, err)
			}
		}
		for !converged(mls, 3) {
			if elapsed(start) > 10*time.Second {
				t.Fatalf("no convergence after 10s: %v", memberCounts(mls))
			}
			time.Sleep(50 * ms)
		}
		t.Logf("converged after %v of virtual time", elapsed(start))
		// Let gossip and probes run for a while over both packets and streams.
		time.Sleep(5 * time.Second)
		if !converged(mls, 3) {
			t.Fatalf("lost members: %v", memberCounts(mls))
		}
		st := n.Stats()
		if st.PacketsDelivered == 0 || st.StreamsOpened == 0 || st.PacketsDropped() != 0 {
			t.Fatalf("stats %+v", st)
		}
		for _, ml := range mls {
			if err := ml.Shutdown(); err != nil {
				t.Fatal(err)
			}
		}
		// synctest.Test fails if any goroutine is left blocked.
	})
}

func converged(mls []*memberlist.Memberlist, want int) bool {
	for _, ml := range mls {
		if ml.NumMembers() != want {
			return false
		}
	}
	return true
}

func memberCounts(mls []*memberlist.Memberlist) []int {
	var out []int
	for _, ml := range mls {
		out = append(out, ml.NumMembers())
	}
	return out
}

func TestMemberlistTransportContract(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, a, b := twoHosts(t)
		ta, err := NewMemberlistTransport(a, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		tb, _ := NewMemberlistTransport(b, "127.0.0.2", 7946)
		if ip, port, _ := ta.FinalAdvertiseAddr("", 0); ip.String() != "127.0.0.1" || port != 40000 {
			t.Fatalf("bound advertise %v:%d", ip, port)
		}
		if ip, port, _ := ta.FinalAdvertiseAddr("10.0.0.1", 99); ip.String() != "10.0.0.1" || port != 99 || len(ip) != 4 {
			t.Fatalf("explicit advertise %v:%d", ip, port)
		}
		sent, err := ta.WriteToAddress([]byte("ping"), memberlist.Address{Addr: "127.0.0.2:7946", Name: "b"})
		if err != nil {
			t.Fatal(err)
		}
		p := <-tb.PacketCh()
		if string(p.Buf) != "ping" || p.From.String() != "127.0.0.1:40000" || p.Timestamp.Sub(sent) != ms {
			t.Fatalf("packet %q from %v at +%v", p.Buf, p.From, p.Timestamp.Sub(sent))
		}
		c, err := ta.DialTimeout("127.0.0.2:7946", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		s := <-tb.StreamCh()
		c.Write([]byte("push"))
		buf := make([]byte, 4)
		io.ReadFull(s, buf)
		if string(buf) != "push" {
			t.Fatalf("stream read %q", buf)
		}
		// A stream left in StreamCh at Shutdown is reset.
		c2, _ := ta.DialAddressTimeout(memberlist.Address{Addr: "127.0.0.2:7946"}, time.Second)
		tb.Shutdown()
		tb.Shutdown()
		if _, err := c2.Read(buf); err == nil {
			t.Fatal("stream pending at shutdown was not reset")
		}
		ta.WriteTo([]byte("after shutdown"), "127.0.0.2:7946")
		time.Sleep(10 * ms)
		if st := n.Stats(); st.PacketsDroppedNoListener != 1 {
			t.Fatalf("stats %+v", st)
		}
		c.Close()
		c2.Close()
		s.Close()
		ta.Shutdown()
	})
}

// memberlist's Shutdown leaves the streams its handlers and push-pulls use to end on their
// deadlines, after the process is gone; the transport's Shutdown aborts them as a process
// exit closes its sockets: a read blocked on either side of the transport (a stream it
// handed out, one it dialed) fails with net.ErrClosed at once, the peers are reset, a dial
// under way gives up, and a dial after Shutdown is refused. Without it, the readers stay blocked after the test
// returns, and synctest fails with "blocked goroutines remain" (the flaky
// TestPauseMemberlistNodeDeclaredDeadThenReturns, when a push-pull was in flight).
func TestMemberlistTransportShutdownAbortsItsStreams(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, a, b := twoHosts(t)
		ta, err := NewMemberlistTransport(a, "", 7946)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := NewMemberlistTransport(b, "", 7946)
		if err != nil {
			t.Fatal(err)
		}
		other, err := b.Listen("", 9000)
		if err != nil {
			t.Fatal(err)
		}
		read := func(c net.Conn) <-chan error {
			ch := make(chan error, 1)
			go func() {
				_, err := c.Read(make([]byte, 1)) // no deadline, as a handler past its own
				ch <- err
			}()
			return ch
		}
		wait := func(what string, ch <-chan error, want func(error) bool) {
			t.Helper()
			select {
			case err := <-ch:
				if !want(err) {
					t.Errorf("%s: read ended with %v", what, err)
				}
			case <-time.After(time.Minute):
				t.Fatalf("%s: read still blocked a minute after Shutdown", what)
			}
		}
		closed := func(err error) bool { return errors.Is(err, net.ErrClosed) }
		reset := func(err error) bool { return err != nil && !closed(err) }

		dialed, err := ta.DialTimeout("127.0.0.2:7946", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		handed := <-tb.StreamCh()
		out, err := ta.DialTimeout("127.0.0.2:9000", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		far, err := other.Accept()
		if err != nil {
			t.Fatal(err)
		}
		handedRead, dialedRead := read(handed), read(dialed)
		outRead, farRead := read(out), read(far)
		pending := make(chan error, 1)
		go func() {
			_, err := ta.DialTimeout("127.0.0.9:7946", 0) // nobody there: no answer, no limit
			pending <- err
		}()
		time.Sleep(10 * ms) // every reader blocked
		synctest.Wait()

		tb.Shutdown()
		wait("the stream tb handed out", handedRead, closed)
		wait("its peer, dialed by ta", dialedRead, reset)
		ta.Shutdown()
		wait("the stream ta dialed to a plain listener", outRead, closed)
		wait("its peer", farRead, reset)
		wait("a dial under way", pending, closed)
		if c, err := ta.DialTimeout("127.0.0.2:9000", time.Second); err == nil || !closed(err) {
			t.Errorf("dial after Shutdown: %v, %v; want net.ErrClosed", c, err)
		}
		far.Close()
		other.Close()
	})
}
