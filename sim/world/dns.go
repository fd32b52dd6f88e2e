package world

import (
	"fmt"
	"time"

	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/node"
	"github.com/consim/consim/scenarios"
)

// dnsPort is where every agent answers DNS while the catalog is on (Consul's 8600).
const dnsPort = scenarios.DNSPort

// configureDNS opens n's DNS socket and sets its agent's dns_config from the scenario's
// dns section; without the catalog there is nothing to answer, and no socket.
func (w *World) configureDNS(n *simNode, cfg *node.Config) error {
	if !w.catalogOn() {
		return nil
	}
	pc, err := n.host.ListenPacket(n.addr, dnsPort)
	if err != nil {
		return fmt.Errorf("dns socket: %w", err)
	}
	d := w.spec.Scenario.DNS
	cfg.DNS = node.DNSConfig{
		Conn:           netmodel.NewUDPConn(pc),
		AllowStale:     d.Stale(),
		MaxStale:       d.MaxStale.D(),
		NodeTTL:        d.NodeTTL.D(),
		OnlyPassing:    d.OnlyPassing,
		UDPAnswerLimit: d.UDPAnswerLimit,
	}
	if len(d.ServiceTTL) > 0 {
		cfg.DNS.ServiceTTL = map[string]time.Duration{}
		for k, v := range d.ServiceTTL {
			cfg.DNS.ServiceTTL[k] = v.D()
		}
	}
	return nil
}
