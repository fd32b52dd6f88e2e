package netmodel

import (
	"fmt"
	"io"
	"log"
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
