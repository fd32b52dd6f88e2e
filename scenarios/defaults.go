package scenarios

import "time"

// DefaultSeed is the seed of a scenario that does not set one.
const DefaultSeed uint64 = 1

// DefaultLatency returns the latency of a network that does not set one: a constant 1ms,
// a quiet LAN.
func DefaultLatency() Latency {
	return Latency{Dist: DistConstant, Mean: Duration(time.Millisecond)}
}

// ApplyDefaults fills the optional fields that are left at their zero value:
//
//	seed             DefaultSeed (1)
//	network.latency  DefaultLatency() (constant 1ms)
//	workload.*       when a workload is given: 1 client, rate 10/s, 8 keys, DefaultMix(),
//	                 every read mode, via any, timeout 5s (see docs/scenarios.md)
//	faults[i].name   "<kind>-<i+1>", the kind with '_' written '-' ("isolate-1",
//	                 "nic-flap-3"); sequence steps have no name
//	liveness.timeout DefaultLivenessTimeout (60s), unless liveness.skip
//
// Zero stands for "not set": a seed of 0 becomes 1, which is why a file may not write
// seed: 0. Parse calls ApplyDefaults; code that builds a Scenario in Go calls it itself.
// Calling it twice changes nothing.
func (s *Scenario) ApplyDefaults() {
	if s.Seed == 0 {
		s.Seed = DefaultSeed
	}
	if s.Network.Latency == (Latency{}) {
		s.Network.Latency = DefaultLatency()
	}
	if s.Workload != nil {
		s.Workload.applyDefaults()
	}
	if len(s.ServiceNames()) > 0 {
		s.DNS.applyDefaults()
	}
	if s.Discovery != nil {
		s.Discovery.applyDefaults(s.ServiceNames())
	}
	for i := range s.Faults {
		if s.Faults[i].Name == "" {
			s.Faults[i].Name = defaultFaultName(s.Faults[i], i)
		}
	}
	if !s.Liveness.Skip && s.Liveness.Timeout == 0 {
		s.Liveness.Timeout = DefaultLivenessTimeout
	}
}
