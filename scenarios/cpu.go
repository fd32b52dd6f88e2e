package scenarios

import "time"

// MaxServiceTime bounds each of cpu.service_time's durations: a second of CPU for one KV
// request is a server that is broken already.
const MaxServiceTime = Duration(time.Second)

// CPU models each server's processor as its KV endpoints use it. In virtual time a
// computation is free (only waiting advances the clock), so without this model a server
// answers any number of requests a second and a latency-versus-load curve stays flat.
type CPU struct {
	// ServiceTime is how long one KV request holds its server's CPU before the server
	// handles it, by kind of request. A server runs one request at a time on it, in the
	// order they arrive (a FIFO queue), so a server offered more than 1/ServiceTime
	// requests a second queues them, and its throughput saturates. The zero value makes
	// every request free, as if this section were left out.
	ServiceTime ServiceTime `yaml:"service_time" json:"service_time,omitzero"`
}

// ServiceTime is a CPU time per kind of KV request, each between 0s and MaxServiceTime.
// A request is charged on every server that handles it: a follower or a server that a
// client agent called pays for a request it forwards, and the leader pays again to serve
// it.
type ServiceTime struct {
	// Get is the time of a read (GET /v1/kv, any read mode; ?recurse and ?keys too).
	Get Duration `yaml:"get" json:"get,omitempty"`
	// Put is the time of a write (PUT /v1/kv without ?cas).
	Put Duration `yaml:"put" json:"put,omitempty"`
	// CAS is the time of a check-and-set (PUT /v1/kv?cas=INDEX).
	CAS Duration `yaml:"cas" json:"cas,omitempty"`
	// Delete is the time of a delete (DELETE /v1/kv, with ?recurse or ?cas too).
	Delete Duration `yaml:"delete" json:"delete,omitempty"`
}

// IsZero reports whether every request is free: the CPU is not modeled.
func (t ServiceTime) IsZero() bool { return t == ServiceTime{} }

// checkCPU checks the CPU model: each service time between 0s and MaxServiceTime.
func checkCPU(c *validator, s *Scenario) {
	st := s.CPU.ServiceTime
	for _, f := range []struct {
		key string
		d   Duration
	}{{"get", st.Get}, {"put", st.Put}, {"cas", st.CAS}, {"delete", st.Delete}} {
		if f.d < 0 || f.d > MaxServiceTime {
			c.errorf("cpu.service_time."+f.key, "must be between 0s and %s, got %s", MaxServiceTime, f.d)
		}
	}
}
