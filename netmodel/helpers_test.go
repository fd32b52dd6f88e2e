package netmodel

import (
	"math/rand"
	"net"
	"strings"
	"testing"
	"time"
)

const ms = time.Millisecond

// constant returns a link config with a constant one-way latency.
func constant(d time.Duration) LinkConfig {
	return LinkConfig{Latency: Latency{Dist: DistConstant, Mean: d}}
}

// newNet builds a network with seed 1 unless cfg.Rand is set.
func newNet(t testing.TB, cfg Config) *Network {
	t.Helper()
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewSource(1))
	}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// twoHosts returns a network of constant 1ms links with hosts a (127.0.0.1) and b
// (127.0.0.2), the setup most tests start from.
func twoHosts(t testing.TB) (*Network, *Host, *Host) {
	t.Helper()
	n := newNet(t, Config{Link: constant(ms)})
	return n, addHost(t, n, "a", "127.0.0.1"), addHost(t, n, "b", "127.0.0.2")
}

func addHost(t testing.TB, n *Network, name string, addrs ...string) *Host {
	t.Helper()
	h, err := n.AddHost(name, addrs...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// connect makes a listener on b:port, dials it from a and returns both ends
// and the listener.
func connect(t testing.TB, a, b *Host, port int) (client, server net.Conn, ln *Listener) {
	t.Helper()
	ln, err := b.Listen("", port)
	if err != nil {
		t.Fatal(err)
	}
	client, err = a.DialTimeout(ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	return client, server, ln
}

// elapsed measures virtual time since start.
func elapsed(start time.Time) time.Duration { return time.Since(start) }

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// block installs a one-direction block as a fault of its own, named as it prints: what
// most tests need.
func block(n *Network, from, to string, p Proto) *Fault {
	f := n.NewFault(blockString(from, to, p))
	f.Block(from, to, p)
	return f
}
