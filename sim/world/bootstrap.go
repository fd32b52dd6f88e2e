package world

// bootOrder is the order in which the nodes boot: node order for a static bootstrap,
// and with bootstrap_expect a seeded random permutation, so that servers find each other
// through gossip in an order nobody chose (the case Consul's bootstrap_expect exists for).
func (w *World) bootOrder() []*simNode {
	order := append([]*simNode(nil), w.nodes...)
	if w.spec.Scenario.Cluster.BootstrapExpect > 0 {
		r := subRand(w.spec.Seed, "boot-order")
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	return order
}
