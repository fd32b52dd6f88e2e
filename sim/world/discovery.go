package world

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/node"
	"github.com/consim/consim/scenarios"
)

// The discovery workload (scenario discovery:): clients dN at 127.0.10.N that look
// services up through the agents, over DNS (SRV) or /v1/health/service/NAME?passing, on
// an open-loop schedule, and write each answer as a lookup event. Like the KV clients
// (workload.go), each has its own random source from the run seed and its name, and reads
// the world's node table from its own goroutine, which the cooperative guest makes safe.

// lookupClient is one discovery client.
type lookupClient struct {
	wl   *workload // only for emit and stop (the run's end)
	cfg  scenarios.Discovery
	name string // "d1"
	host *netmodel.Host
	via  string
	hc   *http.Client
	rand *rand.Rand
	mode string // DNS lookups' read mode (the dns section's)
}

// lookup is one discovery lookup, every choice made before it is called.
type lookup struct {
	service, iface, mode string
	via                  *simNode
	role                 string
}

// startDiscovery starts the discovery clients, if the scenario has any; they record
// through wl, so the run's end stops them as it stops the KV clients.
func (w *World) startDiscovery(wl *workload) error {
	cfg := w.spec.Scenario.Discovery
	if cfg == nil {
		return nil
	}
	for i := 1; i <= cfg.Clients; i++ {
		name := fmt.Sprintf("d%d", i)
		h, err := w.net.AddHost(name, fmt.Sprintf("127.0.10.%d", i))
		if err != nil {
			return fmt.Errorf("world: discovery client %s: %w", name, err)
		}
		c := &lookupClient{wl: wl, cfg: *cfg, name: name, host: h, via: cfg.Via[(i-1)%len(cfg.Via)],
			hc: newHTTPClient(h, maxInFlight), rand: subRand(w.spec.Seed, "discovery/"+name),
			mode: w.spec.Scenario.DNS.ReadMode()}
		go c.run()
	}
	return nil
}

// run makes lookups as a Poisson process at the configured rate, at most maxInFlight
// outstanding, from start to stop.
func (c *lookupClient) run() {
	w := c.wl.w
	stop := w.spec.Scenario.Duration.D()
	if c.cfg.Stop > 0 {
		stop = c.cfg.Stop.D()
	}
	w.openLoop(c.rand, float64(c.cfg.Rate), c.cfg.Start.D(), stop, func() func() {
		l := c.draw()
		return func() { c.call(l) }
	})
}

// draw makes every random choice of the next lookup, in a fixed order: service,
// interface, read mode (http only), target agent.
func (c *lookupClient) draw() *lookup {
	l := &lookup{service: c.cfg.Services[c.rand.Intn(len(c.cfg.Services))], iface: c.cfg.Interfaces[c.rand.Intn(len(c.cfg.Interfaces))]}
	if l.iface == scenarios.LookupHTTP {
		l.mode = c.cfg.ReadModes[c.rand.Intn(len(c.cfg.ReadModes))]
	} else {
		l.mode = c.mode
	}
	l.via, l.role = c.wl.w.resolveVia(c.via, c.rand)
	return l
}

// call makes l and records its lookup event.
func (c *lookupClient) call(l *lookup) {
	start := c.wl.w.emit.now()
	ev := event.Event{Type: event.Lookup, Client: c.name, Service: l.service, Interface: l.iface,
		Mode: l.mode, Via: l.via.name, ViaRole: l.role}
	if l.iface == scenarios.LookupDNS {
		c.askDNS(l, &ev)
	} else {
		c.askHTTP(l, &ev)
	}
	ev.Took = event.Duration(c.wl.w.emit.now() - start)
	slices.Sort(ev.Instances)
	c.wl.emit(ev)
}

// askDNS asks l.via's DNS interface for NAME.service.consul SRV, once, with miekg/dns's
// client from a fresh port (a resolver's random source port).
func (c *lookupClient) askDNS(l *lookup, ev *event.Event) {
	conn, err := c.host.DialPacket(net.JoinHostPort(l.via.addr, strconv.Itoa(dnsPort)))
	if err != nil {
		ev.Status, ev.Error = event.StatusUnknown, truncate(err.Error())
		return
	}
	defer conn.Close()
	m := new(dns.Msg)
	m.SetQuestion(l.service+".service.consul.", dns.TypeSRV)
	dc := &dns.Client{Net: "udp", Timeout: c.cfg.Timeout.D()}
	r, _, err := dc.ExchangeWithConn(m, &dns.Conn{Conn: conn})
	if err != nil {
		ev.Status, ev.Error = event.StatusUnknown, truncate(err.Error())
		return
	}
	ev.Rcode = dns.RcodeToString[r.Rcode]
	switch r.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
	default:
		ev.Status, ev.Error = event.StatusUnknown, "DNS "+ev.Rcode
		return
	}
	ev.Status = event.StatusOK
	for _, rr := range r.Answer {
		if srv, ok := rr.(*dns.SRV); ok {
			if addr, ok := node.AddrOfName(srv.Target); ok {
				ev.Instances = append(ev.Instances, c.wl.w.nodeAt(addr))
				continue
			}
			name, _, _ := strings.Cut(srv.Target, ".")
			ev.Instances = append(ev.Instances, name)
		}
	}
}

// askHTTP asks l.via's /v1/health/service/NAME?passing in l.mode.
func (c *lookupClient) askHTTP(l *lookup, ev *event.Event) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.Timeout.D())
	defer cancel()
	u := "http://" + l.via.httpAddr() + "/v1/health/service/" + l.service + "?passing"
	if l.mode != scenarios.ModeDefault {
		u += "&" + l.mode
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		panic(fmt.Sprintf("world: lookup %s: build request: %v", u, err))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		ev.Status, ev.Error = event.StatusUnknown, requestError(err)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		ev.Status, ev.Error = event.StatusUnknown, requestError(err)
		return
	}
	ev.Code = resp.StatusCode
	readMeta(ev, resp.Header)
	if resp.StatusCode != http.StatusOK {
		ev.Status, ev.Error = event.StatusUnknown, errorText(body)
		return
	}
	var entries []struct {
		Node    struct{ Node, Address string }
		Service struct{ Address string }
	}
	if err := json.Unmarshal(body, &entries); err != nil {
		ev.Status, ev.Error = event.StatusUnknown, "unexpected answer: "+errorText(body)
		return
	}
	ev.Status = event.StatusOK
	for _, e := range entries {
		if a := e.Service.Address; a != "" && a != e.Node.Address {
			ev.Instances = append(ev.Instances, c.wl.w.nodeAt(a))
			continue
		}
		ev.Instances = append(ev.Instances, e.Node.Node)
	}
}

// nodeAt names the node at addr, or is addr when no node is there: an instance
// registered at another host's address sends clients to that host, not to the node
// that registered it.
func (w *World) nodeAt(addr string) string {
	for _, n := range w.nodes {
		if n.addr == addr {
			return n.name
		}
	}
	return addr
}
