package world

import (
	"fmt"

	"github.com/consim/consim/event"
	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/sim/runspec"
)

// newNetwork builds the virtual network from the scenario's network section.
func newNetwork(spec runspec.Spec) (*netmodel.Network, error) {
	nc := spec.Scenario.Network
	lat := netLatency(nc.Latency)
	n, err := netmodel.New(netmodel.Config{
		Link: netmodel.LinkConfig{Latency: lat, Loss: nc.Loss},
		Rand: subRand(spec.Seed, "network"),
	})
	if err != nil {
		return nil, fmt.Errorf("world: network: %w", err)
	}
	return n, nil
}

func (w *World) netStats() *event.Net {
	s := streamNet(w.net.Stats())
	return &s
}
