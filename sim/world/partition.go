package world

import (
	"strings"

	"github.com/consim/consim/netmodel"
	"github.com/consim/consim/scenarios"
)

// partitionGroups resolves a partition to groups of host names, and returns the
// partition as it will print: explicit groups stay groups; a split becomes the groups it
// drew; a bridge and a ring keep their shape with their nodes named.
func (w *World) partitionGroups(p scenarios.Partition) (groups [][]string, printed scenarios.Partition, why string) {
	switch {
	case len(p.Groups) > 0:
		for _, g := range p.Groups {
			names, why := w.resolveSet(g)
			if why != "" {
				return nil, p, why
			}
			groups = append(groups, names)
		}
		return groups, scenarios.Partition{Groups: groups}, ""
	case p.Split != "":
		groups = w.split(p.Split == scenarios.SplitLeaderMinority)
		return groups, scenarios.Partition{Groups: groups}, ""
	}
	return nil, p, ""
}

// split cuts the servers into a majority and a minority drawn at random, the client
// agents joining a side at random. With leaderMinority the current leader (if any) is put
// in the minority.
func (w *World) split(leaderMinority bool) [][]string {
	r := w.faults.rand
	var servers, clients []string
	for _, n := range w.nodes {
		if n.server {
			servers = append(servers, n.name)
		} else {
			clients = append(clients, n.name)
		}
	}
	r.Shuffle(len(servers), func(i, j int) { servers[i], servers[j] = servers[j], servers[i] })
	cut := len(servers)/2 + 1 // servers[:cut] is the majority
	if lead := w.leaderNode(); leaderMinority && lead != nil {
		for i, s := range servers[:cut] {
			if s == lead.name {
				last := len(servers) - 1
				servers[i], servers[last] = servers[last], servers[i]
				break
			}
		}
	}
	major, minor := append([]string(nil), servers[:cut]...), append([]string(nil), servers[cut:]...)
	for _, c := range clients {
		if r.Intn(2) == 0 {
			major = append(major, c)
		} else {
			minor = append(minor, c)
		}
	}
	return [][]string{major, minor}
}

// blockGroups blocks traffic of kind p between every two groups, both ways.
func blockGroups(nf *netmodel.Fault, groups [][]string, p netmodel.Proto) {
	for i, gi := range groups {
		for _, gj := range groups[i+1:] {
			for _, a := range gi {
				for _, b := range gj {
					if a != b {
						nf.Block(a, b, p)
						nf.Block(b, a, p)
					}
				}
			}
		}
	}
}

// bridge cuts the agents other than the bridge into two halves drawn at random; the bridge
// sees both. It returns the halves.
func (w *World) bridge(nf *netmodel.Fault, bridge string, p netmodel.Proto) [][]string {
	var others []string
	for _, n := range w.agentNames() {
		if n != bridge {
			others = append(others, n)
		}
	}
	r := w.faults.rand
	r.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	half := (len(others) + 1) / 2
	halves := [][]string{others[:half], others[half:]}
	blockGroups(nf, halves, p)
	return halves
}

// ring puts the agents on a ring in an order drawn at random and blocks every pair that
// are not neighbours. It returns the ring order.
func (w *World) ring(nf *netmodel.Fault, p netmodel.Proto) []string {
	order := w.agentNames()
	r := w.faults.rand
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	k := len(order)
	for i := range order {
		for j := range order {
			d := (j - i + k) % k
			if i != j && d != 1 && d != k-1 {
				nf.Block(order[i], order[j], p)
			}
		}
	}
	return order
}

// joinGroups renders groups as targets: one entry per group, its nodes joined by "+".
func joinGroups(groups [][]string) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = strings.Join(g, "+")
	}
	return out
}
