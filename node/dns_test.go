package node

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/miekg/dns"

	"github.com/consim/consim/netmodel"
)

const testDNSPort = 8600

// withDNS is withCatalog plus a DNS socket on every agent, configured by cfg.
func withDNS(t *testing.T, log *catalogLog, svcs map[string][]ServiceDefinition, cfg DNSConfig) func(*testAgent, *Config) {
	cat := withCatalog(t, log, svcs)
	return func(a *testAgent, c *Config) {
		cat(a, c)
		pc, err := a.host.ListenPacket(a.addr, testDNSPort)
		if err != nil {
			t.Fatal(err)
		}
		c.DNS = cfg
		c.DNS.Conn = netmodel.NewUDPConn(pc)
	}
}

// dnsClient asks agents with miekg/dns's own client, over the virtual network.
type dnsClient struct {
	t    *testing.T
	host *netmodel.Host
}

// ask sends one query for name and type to a's DNS port and returns the answer.
func (d *dnsClient) ask(a *testAgent, name string, qtype uint16) *dns.Msg {
	d.t.Helper()
	conn, err := d.host.DialPacket(fmt.Sprintf("%s:%d", a.addr, testDNSPort))
	if err != nil {
		d.t.Fatal(err)
	}
	defer conn.Close()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	c := &dns.Client{Net: "udp", Timeout: 15 * time.Second}
	r, _, err := c.ExchangeWithConn(m, &dns.Conn{Conn: conn})
	if err != nil {
		d.t.Fatalf("dig @%s %s %s: %v", a.name, name, dns.TypeToString[qtype], err)
	}
	return r
}

// summary is an answer as one canonical line: rcode, then the records of each section
// sorted (the answer's order is random), TTLs and all.
func summary(r *dns.Msg) string {
	sect := func(rrs []dns.RR) string {
		var out []string
		for _, rr := range rrs {
			out = append(out, strings.ReplaceAll(rr.String(), "\t", " "))
		}
		slices.Sort(out)
		return strings.Join(out, " | ")
	}
	s := dns.RcodeToString[r.Rcode]
	if len(r.Answer) > 0 {
		s += " an: " + sect(r.Answer)
	}
	if len(r.Extra) > 0 {
		s += " ex: " + sect(r.Extra)
	}
	if len(r.Ns) > 0 {
		s += fmt.Sprintf(" ns: %d SOA", len(r.Ns))
	}
	return s
}

// The DNS interface answers Consul's names with healthy instances only (a warning one
// included, a critical one never), SRV with the nodes' A records as additional records,
// TTLs from the config, NXDOMAIN for what it does not know; the answer's order is a
// shuffle; only_passing drops the warning instance; the planted bug dns-ignores-health
// returns the critical one.
func TestDNSAnswers(t *testing.T) {
	svcs := map[string][]ServiceDefinition{
		"client-1": {{Name: "web", Tags: []string{"v1"}, Port: 8080, Checks: []CheckDefinition{{TTL: time.Hour, Status: "passing"}}}},
		"client-2": {{Name: "web", Tags: []string{"v2"}, Port: 8081, Checks: []CheckDefinition{{TTL: time.Hour, Status: "warning"}}}},
		"client-3": {{Name: "web", Tags: []string{"v1"}, Port: 8082, Checks: []CheckDefinition{{TTL: time.Hour, Status: "critical"}}}},
		// server-1 runs db, and registered ne for a host at another address (the way a
		// monitoring agent registers every member).
		"server-1": {{Name: "db", Port: 5432, Checks: []CheckDefinition{{TTL: time.Hour, Status: "passing"}}},
			{Name: "ne", ID: "ne-client-9", Address: "127.0.2.9", Port: 9100}},
	}
	cases := []struct {
		name string
		cfg  DNSConfig
		bugs Bugs
		want map[string]string // "NAME TYPE" -> summary through client-1
	}{
		{"defaults", DNSConfig{AllowStale: true}, Bugs{}, map[string]string{
			"web.service.consul A": "NOERROR an: web.service.consul. 0 IN A 127.0.2.1 | web.service.consul. 0 IN A 127.0.2.2",
			"web.service.consul SRV": "NOERROR an: web.service.consul. 0 IN SRV 1 1 8080 client-1.node.dc1.consul. | web.service.consul. 0 IN SRV 1 1 8081 client-2.node.dc1.consul." +
				" ex: client-1.node.dc1.consul. 0 IN A 127.0.2.1 | client-2.node.dc1.consul. 0 IN A 127.0.2.2",
			"v1.web.service.consul A":          "NOERROR an: v1.web.service.consul. 0 IN A 127.0.2.1",
			"v2.web.service.dc1.consul A":      "NOERROR an: v2.web.service.dc1.consul. 0 IN A 127.0.2.2",
			"_web._v2.service.consul SRV":      "NOERROR an: _web._v2.service.consul. 0 IN SRV 1 1 8081 client-2.node.dc1.consul. ex: client-2.node.dc1.consul. 0 IN A 127.0.2.2",
			"_db._tcp.service.consul SRV":      "NOERROR an: _db._tcp.service.consul. 0 IN SRV 1 1 5432 server-1.node.dc1.consul. ex: server-1.node.dc1.consul. 0 IN A 127.0.1.1",
			"WEB.Service.Consul A":             "NOERROR an: WEB.Service.Consul. 0 IN A 127.0.2.1 | WEB.Service.Consul. 0 IN A 127.0.2.2",
			"web.service.consul AAAA":          "NOERROR ns: 1 SOA",
			"v3.web.service.consul A":          "NXDOMAIN ns: 1 SOA",
			"nosuch.service.consul A":          "NXDOMAIN ns: 1 SOA",
			"client-3.node.consul A":           "NOERROR an: client-3.node.consul. 0 IN A 127.0.2.3",
			"server-2.node.dc1.consul A":       "NOERROR an: server-2.node.dc1.consul. 0 IN A 127.0.1.2",
			"nosuch.node.consul A":             "NXDOMAIN ns: 1 SOA",
			"web.service.dc2.consul A":         "NXDOMAIN ns: 1 SOA",
			"something.else.entirely.consul A": "NXDOMAIN ns: 1 SOA",
			"example.com A":                    "SERVFAIL",
			// An instance at another address than its node's: SRV names the address.
			"ne.service.consul SRV":      "NOERROR an: ne.service.consul. 0 IN SRV 1 1 9100 7f000209.addr.dc1.consul. ex: 7f000209.addr.dc1.consul. 0 IN A 127.0.2.9",
			"ne.service.consul A":        "NOERROR an: ne.service.consul. 0 IN A 127.0.2.9",
			"7f000209.addr.dc1.consul A": "NOERROR an: 7f000209.addr.dc1.consul. 0 IN A 127.0.2.9",
			"7F000209.addr.consul A":     "NOERROR an: 7F000209.addr.consul. 0 IN A 127.0.2.9",
			"7f0002.addr.dc1.consul A":   "NXDOMAIN ns: 1 SOA",
			"zz000209.addr.dc1.consul A": "NXDOMAIN ns: 1 SOA",
		}},
		{"ttls and only_passing", DNSConfig{AllowStale: false, OnlyPassing: true, NodeTTL: 10 * time.Second,
			ServiceTTL: map[string]time.Duration{"*": 5 * time.Second, "w*": 7 * time.Second, "we*": 30 * time.Second, "db": time.Minute}}, Bugs{}, map[string]string{
			"web.service.consul A":   "NOERROR an: web.service.consul. 30 IN A 127.0.2.1",
			"db.service.consul A":    "NOERROR an: db.service.consul. 60 IN A 127.0.1.1",
			"client-2.node.consul A": "NOERROR an: client-2.node.consul. 10 IN A 127.0.2.2",
		}},
		{"dns-ignores-health", DNSConfig{AllowStale: true}, Bugs{DNSIgnoresHealth: true}, map[string]string{
			"web.service.consul A": "NOERROR an: web.service.consul. 0 IN A 127.0.2.1 | web.service.consul. 0 IN A 127.0.2.2 | web.service.consul. 0 IN A 127.0.2.3",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				hook := withDNS(t, &catalogLog{}, svcs, tc.cfg)
				c := newClusterWith(t, 5, 3, 3, func(a *testAgent, cfg *Config) {
					hook(a, cfg)
					cfg.UnsafeBugs = tc.bugs
				})
				joinMixed(c)
				c.join("client-3", "client-1")
				waitForStableLeader(c, 10*time.Second)
				h, err := c.net.AddHost("resolver", "127.0.3.2")
				if err != nil {
					t.Fatal(err)
				}
				d := &dnsClient{t: t, host: h}
				c1 := c.get("client-1")
				api := newAPIClient(t, c)
				c.waitFor(30*time.Second, "every node and instance in every server's catalog", func() bool {
					for _, srv := range c.servers() {
						if strings.Count(api.do(srv, http.MethodGet, "/v1/catalog/nodes?stale", "").body, `"Node":`) != 6 ||
							strings.Count(api.do(srv, http.MethodGet, "/v1/health/service/web?stale", "").body, `"ServiceID":"web"`) != 3 ||
							strings.Count(api.do(srv, http.MethodGet, "/v1/health/service/db?stale", "").body, `"ServiceID":"db"`) != 1 ||
							strings.Count(api.do(srv, http.MethodGet, "/v1/health/service/ne?stale", "").body, `"ID":"ne-client-9"`) != 1 {
							return false
						}
					}
					return true
				})
				for _, q := range slices.Sorted(maps.Keys(tc.want)) {
					name, typ, _ := strings.Cut(q, " ")
					if got := summary(d.ask(c1, name, dns.StringToType[typ])); got != tc.want[q] {
						t.Errorf("%s via client-1:\n got  %s\n want %s", q, got, tc.want[q])
					}
				}
				if tc.name != "defaults" {
					return
				}
				// The order is a shuffle: both instances come first now and then.
				first := map[string]bool{}
				for range 20 {
					first[d.ask(c.get("server-3"), "web.service.consul", dns.TypeA).Answer[0].(*dns.A).A.String()] = true
				}
				if len(first) != 2 {
					t.Errorf("20 lookups always put the same instance first: %v", first)
				}
				// A client agent that lost its servers answers SERVFAIL, not a stale NXDOMAIN.
				f := c.net.NewFault("cut client-1")
				for _, s := range c.servers() {
					f.Block("client-1", s.name, netmodel.Streams)
					f.Block(s.name, "client-1", netmodel.Streams)
				}
				if got := summary(d.ask(c1, "web.service.consul", dns.TypeA)); got != "SERVFAIL" {
					t.Errorf("lookup through a client cut off from the servers: %s, want SERVFAIL", got)
				}
				f.Lift()
			})
		})
	}
}

// A client reads the address back from an SRV target that names one.
func TestAddrOfName(t *testing.T) {
	for name, want := range map[string]string{
		"7f000209.addr.dc1.consul.": "127.0.2.9", "0a000001.addr.consul": "10.0.0.1",
		"client-1.node.dc1.consul.": "", "7f0002.addr.dc1.consul.": "", "addr.consul.": "",
	} {
		if got, ok := AddrOfName(name); got != want || ok != (want != "") {
			t.Errorf("AddrOfName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
