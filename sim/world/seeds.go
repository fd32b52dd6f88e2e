package world

import (
	"hash/fnv"
	"math/rand"
)

// subRand derives a component's own random source from the run seed, so adding draws to
// one component (say, the workload) does not shift another's (the network's jitter).
func subRand(seed uint64, component string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(component))
	return rand.New(rand.NewSource(int64(seed ^ h.Sum64())))
}
