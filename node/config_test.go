package node

import (
	"errors"
	"math/rand"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"

	"github.com/consim/consim/netmodel"
)

func TestStartRejectsBadConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, err := netmodel.New(netmodel.Config{Rand: rand.New(rand.NewSource(4))})
		if err != nil {
			t.Fatal(err)
		}
		h, err := n.AddHost("server-1", "127.0.1.1")
		if err != nil {
			t.Fatal(err)
		}
		tr, err := netmodel.NewMemberlistTransport(h, "", testGossipPort)
		if err != nil {
			t.Fatal(err)
		}
		layer, err := netmodel.NewRaftLayer(h, "", testRaftPort)
		if err != nil {
			t.Fatal(err)
		}
		good := Config{Name: "server-1", Addr: "127.0.1.1", GossipPort: testGossipPort, Transport: tr}
		for _, tc := range []struct {
			name string
			edit func(*Config)
			want string // a word the error must contain
		}{
			{"no name", func(c *Config) { c.Name = "" }, "Name"},
			{"no transport", func(c *Config) { c.Transport = nil }, "Transport"},
			{"server without raft layer", func(c *Config) { c.Server = true }, "RaftLayer"},
			{"bad profile", func(c *Config) { c.Profile = "metro" }, `Profile "metro"`},
			{"duplicate bootstrap voters", func(c *Config) {
				c.Server, c.RaftLayer = true, layer
				v := raft.Server{Suffrage: raft.Voter, ID: "server-1", Address: "127.0.1.1:8300"}
				c.Bootstrap = []raft.Server{v, v}
			}, "bootstrap"},
		} {
			cfg := good
			tc.edit(&cfg)
			a, err := Start(cfg)
			if err == nil {
				a.Shutdown()
				t.Errorf("%s: Start succeeded", tc.name)
				continue
			}
			if a != nil {
				t.Errorf("%s: Start returned an agent with error %v", tc.name, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
			}
		}
		// The failed server start shut its memberlist and raft transport down (the bubble
		// would not end otherwise) and closed the layer it was given.
		if _, err := layer.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("raft layer after a failed server start: Accept gave %v, want net.ErrClosed", err)
		}
		tr.Shutdown()
	})
}

// Each profile brings memberlist's own timing defaults for it (values of memberlist
// v0.7.0's DefaultLANConfig, DefaultWANConfig and DefaultLocalConfig), and the agent's
// identity and transport are laid over them.
func TestProfileSelectsMemberlistDefaults(t *testing.T) {
	type timing struct {
		probe, gossip, pushPull, tcp time.Duration
		suspicion                    int
	}
	lan := timing{time.Second, 200 * time.Millisecond, 30 * time.Second, 10 * time.Second, 4}
	for _, tc := range []struct {
		profile string
		want    timing
	}{
		{"", lan},
		{"lan", lan},
		{"wan", timing{5 * time.Second, 500 * time.Millisecond, 60 * time.Second, 30 * time.Second, 6}},
		{"local", timing{time.Second, 100 * time.Millisecond, 15 * time.Second, time.Second, 3}},
	} {
		var tr memberlist.NodeAwareTransport = &netmodel.MemberlistTransport{}
		mc := newMemberlistConfig(&Config{Name: "a", Addr: "127.0.0.1", GossipPort: 7946, Profile: tc.profile, Transport: tr})
		got := timing{mc.ProbeInterval, mc.GossipInterval, mc.PushPullInterval, mc.TCPTimeout, mc.SuspicionMult}
		if got != tc.want {
			t.Errorf("profile %q: timing %+v, want %+v", tc.profile, got, tc.want)
		}
		if mc.Name != "a" || mc.AdvertiseAddr != "127.0.0.1" || mc.AdvertisePort != 7946 || mc.Transport != tr ||
			mc.LogOutput != nil {
			t.Errorf("profile %q: identity, transport or logger not carried over: %+v", tc.profile, mc)
		}
	}
}
