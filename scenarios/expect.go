package scenarios

import (
	"slices"
	"time"
)

// Expect is what a run must show to pass. Every field is optional; a run with no
// expectations passes when it completes.
type Expect struct {
	// Default, Consistent and Stale are the verdicts required of each read mode's
	// history: linearizable, not-linearizable (a scenario that teaches an anomaly) or any.
	// They need a workload that reads in that mode.
	Default    string `yaml:"default" json:"default,omitempty"`
	Consistent string `yaml:"consistent" json:"consistent,omitempty"`
	Stale      string `yaml:"stale" json:"stale,omitempty"`
	// ConvergeWithin bounds when every node has first seen every node alive.
	ConvergeWithin Duration `yaml:"converge_within" json:"converge_within,omitempty"`
	// UserEvents, when "delivered", requires every user event to reach every member that
	// was owed it exactly once.
	UserEvents string `yaml:"user_events" json:"user_events,omitempty"`
	// MaxElections bounds the number of raft elections won during the run.
	MaxElections int `yaml:"max_elections" json:"max_elections,omitempty"`
	// LostWrites bounds the acknowledged writes missing from the final consistent read
	// of every key after the liveness phase (usually 0).
	LostWrites *int `yaml:"lost_writes" json:"lost_writes,omitempty"`
	// FalseFailures bounds the false failure verdicts: a member seeing a node failed while
	// that node was running, unpaused and reachable from it.
	FalseFailures *int `yaml:"false_failures" json:"false_failures,omitempty"`
	// UnexplainedFailures bounds the false failure verdicts with no fault in progress or
	// ended within checker.FalseFailureGrace: on a healthy network, none is expected.
	UnexplainedFailures *int `yaml:"unexplained_failures" json:"unexplained_failures,omitempty"`
	// FaultsEffective requires every fault firing to have had an effect (dropped, held,
	// delayed or duplicated traffic, a crashed or paused node, ...).
	FaultsEffective bool `yaml:"faults_effective" json:"faults_effective,omitempty"`
	// LockOverlaps bounds the intervals in which two lock clients believed they held
	// the same lock (usually 0); FencedOutOfOrder the acknowledged fenced writes applied
	// out of LockIndex order. Both need workload.locks (FencedOutOfOrder with fenced).
	LockOverlaps     *int `yaml:"lock_overlaps" json:"lock_overlaps,omitempty"`
	FencedOutOfOrder *int `yaml:"fenced_out_of_order" json:"fenced_out_of_order,omitempty"`
	// DiscoveryLagMax bounds how long, after an instance's check went critical or its
	// node failed, a lookup of any interface and read mode still sent a client to it
	// (summary discovery.max_lag_ms). Needs a discovery section.
	DiscoveryLagMax Duration `yaml:"discovery_lag_max" json:"discovery_lag_max,omitempty"`
	// CatalogConverges requires every running server's catalog to agree, at the end of
	// the run, with every running agent's own check statuses (and serfHealth passing).
	// Needs services.
	CatalogConverges bool `yaml:"catalog_converges" json:"catalog_converges,omitempty"`
	// RegistrationsMissing bounds the members' joins whose service a register_service
	// handler never got into the catalog while they lasted (summary
	// registrations.missing); RegistrationLagMax bounds how long after a join the catalog
	// first held it (registrations.max_catalog_lag_ms). Both need such a handler.
	RegistrationsMissing *int     `yaml:"registrations_missing" json:"registrations_missing,omitempty"`
	RegistrationLagMax   Duration `yaml:"registration_lag_max" json:"registration_lag_max,omitempty"`
	// CheckTimeout is the checker time each read mode's linearizability check gets
	// (default 10s, at most MaxCheckTimeout); running out makes the verdict unknown.
	CheckTimeout Duration `yaml:"check_timeout" json:"check_timeout,omitempty"`
}

// MaxCheckTimeout bounds expect.check_timeout.
const MaxCheckTimeout = Duration(time.Hour)

// Verdict values an expectation may require of a read mode.
const (
	VerdictLinearizable    = "linearizable"
	VerdictNotLinearizable = "not-linearizable"
	VerdictAny             = "any"
)

// checkExpect checks the expect section against the rest of the scenario.
func checkExpect(c *validator, s *Scenario) {
	e := s.Expect
	if e == nil || c.broken("expect") {
		return
	}
	for _, m := range []struct{ mode, value string }{{"default", e.Default}, {"consistent", e.Consistent}, {"stale", e.Stale}} {
		path := "expect." + m.mode
		if !c.has(path, m.value != "") {
			continue
		}
		if !slices.Contains([]string{VerdictLinearizable, VerdictNotLinearizable, VerdictAny}, m.value) {
			c.errorf(path, "must be linearizable, not-linearizable or any, got %q", m.value)
			continue
		}
		if m.value != VerdictAny && !readsIn(s, m.mode) {
			c.errorf(path, "needs a workload that reads in %s mode (workload.read_modes), and this scenario has none", m.mode)
		}
	}
	if c.has("expect.converge_within", e.ConvergeWithin != 0) && !c.broken("duration") && (e.ConvergeWithin <= 0 || e.ConvergeWithin > s.Duration) {
		c.errorf("expect.converge_within", "must be above 0s and at most the duration (%s), got %s", s.Duration, e.ConvergeWithin)
	}
	if c.has("expect.user_events", e.UserEvents != "") {
		switch {
		case e.UserEvents != "delivered":
			c.errorf("expect.user_events", "must be delivered (every user event reaches every member owed it, once), got %q", e.UserEvents)
		case !slices.ContainsFunc(s.Actions, func(a Action) bool { return a.Event != nil }):
			c.errorf("expect.user_events", "needs a user event to judge (an actions entry with event:), and this scenario fires none")
		}
	}
	if c.has("expect.check_timeout", e.CheckTimeout != 0) && (e.CheckTimeout <= 0 || e.CheckTimeout > MaxCheckTimeout) {
		c.errorf("expect.check_timeout", "must be above 0s and at most %s, got %s", MaxCheckTimeout, e.CheckTimeout)
	}
	if c.has("expect.max_elections", e.MaxElections != 0) && e.MaxElections < 1 {
		c.errorf("expect.max_elections", "must be at least 1, got %d", e.MaxElections)
	}
	if c.has("expect.lost_writes", e.LostWrites != nil) && e.LostWrites != nil {
		switch {
		case *e.LostWrites < 0:
			c.errorf("expect.lost_writes", "must be 0 or more, got %d", *e.LostWrites)
		case !writes(s):
			c.errorf("expect.lost_writes", "needs a workload that writes (workload.mix with put, cas or delete), and this scenario has none")
		}
	}
	if c.has("expect.false_failures", e.FalseFailures != nil) && e.FalseFailures != nil && *e.FalseFailures < 0 {
		c.errorf("expect.false_failures", "must be 0 or more, got %d", *e.FalseFailures)
	}
	if c.has("expect.unexplained_failures", e.UnexplainedFailures != nil) && e.UnexplainedFailures != nil && *e.UnexplainedFailures < 0 {
		c.errorf("expect.unexplained_failures", "must be 0 or more, got %d", *e.UnexplainedFailures)
	}
	hasLocks := s.Workload != nil && s.Workload.Locks != nil
	for _, k := range []struct {
		path string
		v    *int
	}{{"expect.lock_overlaps", e.LockOverlaps}, {"expect.fenced_out_of_order", e.FencedOutOfOrder}} {
		switch {
		case !c.has(k.path, k.v != nil) || k.v == nil:
		case *k.v < 0:
			c.errorf(k.path, "must be 0 or more, got %d", *k.v)
		case !hasLocks:
			c.errorf(k.path, "needs lock clients (workload.locks), and this scenario has none")
		case k.path == "expect.fenced_out_of_order" && !s.Workload.Locks.Fenced:
			c.errorf(k.path, "needs fenced writes (workload.locks.fenced: true)")
		}
	}
	if e.FaultsEffective && len(s.Faults) == 0 {
		c.errorf("expect.faults_effective", "needs faults, and this scenario has none")
	}
	if c.has("expect.discovery_lag_max", e.DiscoveryLagMax != 0) {
		switch {
		case e.DiscoveryLagMax <= 0 || e.DiscoveryLagMax > MaxDuration:
			c.errorf("expect.discovery_lag_max", "must be above 0s and at most %s, got %s", MaxDuration, e.DiscoveryLagMax)
		case s.Discovery == nil:
			c.errorf("expect.discovery_lag_max", "needs lookups to judge (a discovery section), and this scenario has none")
		}
	}
	if c.has("expect.registrations_missing", e.RegistrationsMissing != nil) && e.RegistrationsMissing != nil {
		switch {
		case *e.RegistrationsMissing < 0:
			c.errorf("expect.registrations_missing", "must be 0 or more, got %d", *e.RegistrationsMissing)
		case !s.RegistersServices():
			c.errorf("expect.registrations_missing", "needs a handler that registers services (gossip.handlers with register_service), and this scenario has none")
		}
	}
	if c.has("expect.registration_lag_max", e.RegistrationLagMax != 0) {
		switch {
		case e.RegistrationLagMax <= 0 || e.RegistrationLagMax > MaxDuration:
			c.errorf("expect.registration_lag_max", "must be above 0s and at most %s, got %s", MaxDuration, e.RegistrationLagMax)
		case !s.RegistersServices():
			c.errorf("expect.registration_lag_max", "needs a handler that registers services (gossip.handlers with register_service), and this scenario has none")
		}
	}
	if e.CatalogConverges && len(s.Services) == 0 {
		c.errorf("expect.catalog_converges", "needs the catalog (a services section), and this scenario has none")
	}
}

// writes reports whether the scenario's workload writes.
func writes(s *Scenario) bool {
	w := s.Workload
	if w == nil {
		return false
	}
	m := w.Mix
	return m == (Mix{}) || m.Put > 0 || m.CAS > 0 || m.Delete > 0
}

// readsIn reports whether the scenario's workload issues reads in mode.
func readsIn(s *Scenario, mode string) bool {
	w := s.Workload
	if w == nil {
		return false
	}
	if w.Mix != (Mix{}) && w.Mix.Get == 0 {
		return false
	}
	modes := w.ReadModes
	if len(modes) == 0 {
		modes = ReadModes
	}
	return slices.Contains(modes, mode)
}
