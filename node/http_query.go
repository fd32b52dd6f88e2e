package node

import (
	"net/http"
	"strconv"
	"time"
)

// ReadMode is a read's consistency mode, as Consul names them.
type ReadMode string

// The three read modes (see DESIGN.md, "Read modes").
const (
	// ReadDefault is served by the leader from its local state, without checking that it
	// is still the leader: usually linearizable, not always.
	ReadDefault ReadMode = "default"
	// ReadConsistent is served by the leader after VerifyLeader, and only once it has
	// applied a barrier in its term.
	ReadConsistent ReadMode = "consistent"
	// ReadStale is served by any server from its local state.
	ReadStale ReadMode = "stale"
)

// effective is the X-Consul-Effective-Consistency value for the mode.
func (m ReadMode) effective() string {
	switch m {
	case ReadConsistent:
		return "consistent"
	case ReadStale:
		return "stale"
	}
	return "leader"
}

// Blocking query limits, as Consul's: a missing wait means 5 minutes, and no wait is
// longer than 10 minutes; a wait gets up to 1/16 of itself added as jitter so that many
// watchers do not return in lockstep.
const (
	defaultQueryTime = 5 * time.Minute
	maxQueryTime     = 10 * time.Minute
	jitterFraction   = 16
)

// QueryOptions are a read's parameters: mode, staleness bound and blocking.
type QueryOptions struct {
	Mode     ReadMode      `json:"mode"`
	MaxStale time.Duration `json:"max_stale,omitempty"`
	MinIndex uint64        `json:"min_index,omitempty"`
	Wait     time.Duration `json:"wait,omitempty"`
}

// QueryMeta is what every read answers besides its data, sent as X-Consul-* headers.
type QueryMeta struct {
	Index       uint64        `json:"index"`
	KnownLeader bool          `json:"known_leader"`
	LastContact time.Duration `json:"last_contact"`
	Mode        ReadMode      `json:"mode"`
}

// parseQueryOptions reads ?stale, ?consistent, ?max_stale, ?index and ?wait with
// Consul's rules and error texts.
func parseQueryOptions(r *http.Request) (QueryOptions, error) {
	q := r.URL.Query()
	opts := QueryOptions{Mode: ReadDefault}
	_, stale := q["stale"]
	_, consistent := q["consistent"]
	if v := q.Get("max_stale"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return opts, badRequest("Invalid max_stale value %q", v)
		}
		opts.MaxStale = d
		if d > 0 {
			stale = true
		}
	}
	if stale && consistent {
		return opts, badRequest("Cannot specify ?stale with ?consistent, conflicting semantics.")
	}
	switch {
	case stale:
		opts.Mode = ReadStale
	case consistent:
		opts.Mode = ReadConsistent
	}
	if v := q.Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return opts, badRequest("Invalid wait time")
		}
		opts.Wait = d
	}
	if v := q.Get("index"); v != "" {
		idx, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return opts, badRequest("Invalid index")
		}
		opts.MinIndex = idx
	}
	return opts, nil
}

// setMeta writes QueryMeta as Consul's headers. An index of 0 is sent as 1, as Consul
// does, so a blocking client never spins on ?index=0.
func setMeta(w http.ResponseWriter, m QueryMeta) {
	idx := m.Index
	if idx == 0 {
		idx = 1
	}
	w.Header().Set("X-Consul-Index", strconv.FormatUint(idx, 10))
	w.Header().Set("X-Consul-KnownLeader", strconv.FormatBool(m.KnownLeader))
	last := m.LastContact
	if last < 0 {
		last = 0
	}
	w.Header().Set("X-Consul-LastContact", strconv.FormatUint(uint64(last/time.Millisecond), 10))
	w.Header().Set("X-Consul-Effective-Consistency", m.Mode.effective())
}
