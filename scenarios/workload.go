package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits and defaults of the workload section. They bound the events a run writes: every
// operation is two lines of the stream.
const (
	// MaxWorkloadClients bounds workload.clients; client N lives at 127.0.9.N.
	MaxWorkloadClients = 250
	// MaxRate bounds workload.rate, per client.
	MaxRate = Rate(1000)
	// MaxThink bounds workload.think.
	MaxThink = Duration(time.Hour)
	// MaxKeys bounds workload.keys.
	MaxKeys = 100_000
	// MaxTimeout bounds workload.timeout.
	MaxTimeout = Duration(10 * time.Minute)

	// DefaultWorkloadClients, DefaultRate, DefaultKeys and DefaultTimeout are what a
	// workload that leaves those fields out gets.
	DefaultWorkloadClients = 1
	DefaultRate            = Rate(10)
	DefaultKeys            = 8
	DefaultTimeout         = Duration(5 * time.Second)
)

// Read modes, as written in workload.read_modes (Consul's names).
const (
	ModeDefault    = "default"
	ModeConsistent = "consistent"
	ModeStale      = "stale"
)

// ReadModes lists every read mode, in the order reports use.
var ReadModes = []string{ModeDefault, ModeConsistent, ModeStale}

// Via targets, as written in workload.via.
const (
	// ViaServers is any running server.
	ViaServers = "servers"
	// ViaClients is any running client agent.
	ViaClients = "clients"
	// ViaLeader is the server the world sees leading at the moment of the request.
	ViaLeader = "leader"
	// ViaFollowers is any running server that is not the leader.
	ViaFollowers = "followers"
	// ViaAny is any running agent, server or client.
	ViaAny = "any"
)

// ViaTargets lists every via target.
var ViaTargets = []string{ViaServers, ViaClients, ViaLeader, ViaFollowers, ViaAny}

// Mix weighs the kinds of workload operation: each operation is one kind, picked with a
// probability proportional to its weight. Weights are relative (get: 3, put: 1 is the
// same mix as get: 0.75, put: 0.25); a kind left out has weight 0.
type Mix struct {
	// Get reads one key, in one of the workload's read modes.
	Get float64 `yaml:"get" json:"get,omitempty"`
	// Put writes one key unconditionally.
	Put float64 `yaml:"put" json:"put,omitempty"`
	// CAS writes one key if its ModifyIndex is still the one the client last read
	// (0, create-only, for a key it has not read or read as missing).
	CAS float64 `yaml:"cas" json:"cas,omitempty"`
	// Delete removes one key.
	Delete float64 `yaml:"delete" json:"delete,omitempty"`
}

// DefaultMix returns the mix of a workload that does not set one: mostly reads, some
// writes, a few check-and-sets.
func DefaultMix() Mix { return Mix{Get: 0.6, Put: 0.3, CAS: 0.1} }

// Sum is the total weight.
func (m Mix) Sum() float64 { return m.Get + m.Put + m.CAS + m.Delete }

// Rate is operations per second. It is written "50/s" (or per minute, "30/m").
type Rate float64

// String returns the rate as scenario text, per second.
func (r Rate) String() string {
	return strconv.FormatFloat(float64(r), 'g', -1, 64) + "/s"
}

// MarshalText writes the rate as scenario text ("50/s").
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads "N/s" or "N/m".
func (r *Rate) UnmarshalText(b []byte) error {
	s := string(b)
	num, unit, ok := strings.Cut(s, "/")
	per := map[string]float64{"s": 1, "m": 60}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if !ok || per == 0 || err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.TrimSpace(num) != num {
		return fmt.Errorf("invalid rate %q: write operations per second or per minute, like 50/s or 30/m", s)
	}
	*r = Rate(v / per)
	return nil
}

// applyDefaults fills the workload's fields left at their zero value.
func (w *Workload) applyDefaults() {
	if w.Clients == 0 {
		w.Clients = DefaultWorkloadClients
	}
	if w.Rate == 0 && w.Think == 0 {
		w.Rate = DefaultRate
	}
	if w.Keys == 0 {
		w.Keys = DefaultKeys
	}
	if w.Mix == (Mix{}) {
		w.Mix = DefaultMix()
	}
	if len(w.ReadModes) == 0 {
		w.ReadModes = slices.Clone(ReadModes)
	}
	if len(w.Via) == 0 {
		w.Via = []string{ViaAny}
	}
	if w.Timeout == 0 {
		w.Timeout = DefaultTimeout
	}
	if w.Locks != nil {
		w.Locks.applyDefaults()
	}
}

// checkWorkload checks the workload section.
func checkWorkload(c *validator, s *Scenario) {
	w := s.Workload
	if w == nil || c.broken("workload") {
		return
	}
	clients := DefaultWorkloadClients
	if c.has("workload.clients", w.Clients != 0) {
		if w.Clients < 1 || w.Clients > MaxWorkloadClients {
			c.errorf("workload.clients", "must be between 1 and %d, got %d", MaxWorkloadClients, w.Clients)
		} else {
			clients = w.Clients
		}
	}
	rate, think := c.has("workload.rate", w.Rate != 0), c.has("workload.think", w.Think != 0)
	switch {
	case rate && think:
		c.errorf("workload.think", "rate and think exclude each other: rate is an open loop (operations start on a schedule), think a closed loop (one at a time); keep one")
	case rate && !(w.Rate > 0 && w.Rate <= MaxRate):
		c.errorf("workload.rate", "must be above 0/s and at most %s, got %s", MaxRate, w.Rate)
	case think && !(w.Think > 0 && w.Think <= MaxThink):
		c.errorf("workload.think", "must be above 0s and at most %s, got %s", MaxThink, w.Think)
	}
	if c.has("workload.keys", w.Keys != 0) && (w.Keys < 1 || w.Keys > MaxKeys) {
		c.errorf("workload.keys", "must be between 1 and %d, got %d", MaxKeys, w.Keys)
	}
	checkMix(c, w.Mix)
	checkList(c, "workload.read_modes", w.ReadModes, ReadModes, false)
	if checkList(c, "workload.via", w.Via, ViaTargets, true) {
		checkVia(c, s, clients)
	}
	if c.has("workload.timeout", w.Timeout != 0) && !(w.Timeout > 0 && w.Timeout <= MaxTimeout) {
		c.errorf("workload.timeout", "must be above 0s and at most %s, got %s", MaxTimeout, w.Timeout)
	}
	durationOK := s.Duration >= MinDuration && s.Duration <= MaxDuration
	startOK := true
	if c.has("workload.start", w.Start != 0) {
		if w.Start < 0 || (durationOK && w.Start >= s.Duration) {
			c.errorf("workload.start", "must be at least 0s and before the end of the run (duration %s), got %s", s.Duration, w.Start)
			startOK = false
		}
	}
	if c.has("workload.stop", w.Stop != 0) && startOK {
		if w.Stop <= w.Start || (durationOK && w.Stop > s.Duration) {
			c.errorf("workload.stop", "must be after start (%s) and at most the duration (%s), got %s (leave it out to run to the end)", w.Start, s.Duration, w.Stop)
		}
	}
}

// checkMix checks the operation weights: none negative, and some above 0.
func checkMix(c *validator, m Mix) {
	if !c.has("workload.mix", m != Mix{}) {
		return
	}
	ok := true
	for _, f := range []struct {
		key string
		v   float64
	}{{"get", m.Get}, {"put", m.Put}, {"cas", m.CAS}, {"delete", m.Delete}} {
		if f.v < 0 {
			c.errorf("workload.mix."+f.key, "must be 0 or more, got %v", f.v)
			ok = false
		}
	}
	if ok && !(m.Sum() > 0) {
		c.errorf("workload.mix", "weights must add up to more than 0: give at least one of get, put, cas, delete a positive weight")
	}
}

// checkList checks that a list, when given, is not empty and holds only allowed values
// (each at most once unless dups), and reports whether it was given and is fine.
func checkList(c *validator, path string, list, allowed []string, dups bool) bool {
	if !c.has(path, len(list) > 0) {
		return false
	}
	if len(list) == 0 {
		c.errorf(path, "must list at least one of %s (leave it out for the default)", strings.Join(allowed, ", "))
		return false
	}
	ok := true
	for i, v := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !slices.Contains(allowed, v):
			c.errorf(p, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
			ok = false
		case !dups && slices.Index(list, v) < i:
			c.errorf(p, "%q is listed twice", v)
			ok = false
		}
	}
	return ok
}

// checkVia checks that the via targets exist in the cluster and that every target is
// used by some client.
func checkVia(c *validator, s *Scenario, clients int) {
	w := s.Workload
	for i, v := range w.Via {
		p := fmt.Sprintf("workload.via[%d]", i)
		switch {
		case v == ViaClients && s.Cluster.Clients == 0:
			c.errorf(p, "the cluster has no client agents (cluster.clients is 0)")
		case v == ViaFollowers && s.Cluster.Servers == 1:
			c.errorf(p, "a cluster with one server has no followers")
		}
	}
	if len(w.Via) > clients {
		c.errorf("workload.via", "lists %d targets but there are only %d workload clients: client N talks to target N, so the last %d would never be used", len(w.Via), clients, len(w.Via)-clients)
	}
}
