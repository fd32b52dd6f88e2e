package leanhttp_test

import (
	"math/rand"
	"net/http"
	"testing"
	"time"

	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/node/leanhttp"
)

const ms = time.Millisecond

// world is two hosts on the virtual network, 1 ms apart: a client and a server.
type world struct {
	n              *netmodel.Network
	client, server *netmodel.Host
}

func newWorld(t *testing.T) *world {
	t.Helper()
	n, err := netmodel.New(netmodel.Config{
		Rand: rand.New(rand.NewSource(1)),
		Link: netmodel.LinkConfig{Latency: netmodel.Latency{Dist: netmodel.DistConstant, Mean: ms}},
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{n: n}
	if w.client, err = n.AddHost("client", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if w.server, err = n.AddHost("server", "127.0.0.2"); err != nil {
		t.Fatal(err)
	}
	return w
}

// serveLean serves h on the server host's port 80 with this package's server.
func (w *world) serveLean(t *testing.T, h http.Handler) *leanhttp.Server {
	t.Helper()
	l, err := w.server.Listen("127.0.0.2", 80)
	if err != nil {
		t.Fatal(err)
	}
	return leanhttp.Serve(l, h, 30*time.Second)
}

// serveStd serves h with net/http's own server, the reference.
func (w *world) serveStd(t *testing.T, h http.Handler) *http.Server {
	t.Helper()
	l, err := w.server.Listen("127.0.0.2", 80)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	return srv
}

// leanClient is an http.Client over this package's Transport from the client host.
func (w *world) leanClient(idle int) (*http.Client, *leanhttp.Transport) {
	tr := &leanhttp.Transport{Dial: w.client.DialContext, MaxIdlePerHost: idle}
	return &http.Client{Transport: tr}, tr
}

// stdClient is net/http's own client from the client host, the reference.
func (w *world) stdClient() (*http.Client, *http.Transport) {
	tr := &http.Transport{DialContext: w.client.DialContext, DisableCompression: true}
	return &http.Client{Transport: tr}, tr
}

const url = "http://127.0.0.2/"
