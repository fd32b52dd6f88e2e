package scenarios

import "time"

// MaxWriteLatency bounds disk.write_latency: a second per fsync is a broken disk already.
const MaxWriteLatency = Duration(time.Second)

// MaxFaultWriteLatency bounds a disk fault's write_latency: up to a minute, a disk that
// stalls (or a server frozen as long, which is what a stalled fsync does to raft's loop).
const MaxFaultWriteLatency = Duration(time.Minute)

// checkDisk checks the disk model.
func checkDisk(c *validator, s *Scenario) {
	if d := s.Disk.WriteLatency; d < 0 || d > MaxWriteLatency {
		c.errorf("disk.write_latency", "must be between 0s and %s, got %s", MaxWriteLatency, d)
	}
}
