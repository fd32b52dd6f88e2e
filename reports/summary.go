// Package reports turns a run's events into what people and pipelines read: summary.json,
// the terminal summary, JUnit XML, and the run directory's pages (report.html, the
// linearizability views). docs/summary.md documents the JSON, docs/report.md the page.
package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"time"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
)

// SummaryVersion is the version of summary.json's layout. Later issues add keys; a
// change to the meaning of an existing key bumps it.
const SummaryVersion = 1

// Summary is summary.json. Keys are documented in docs/summary.md.
type Summary struct {
	Scenario string `json:"scenario"`
	// Bugs are the bugs planted in the nodes (absent when none): this run is of a node
	// broken on purpose, and its verdicts judge the planted bug.
	Bugs               []string `json:"bugs,omitempty"`
	Seed               uint64   `json:"seed"`
	VirtualSeconds     float64  `json:"virtual_seconds"`
	WallSeconds        float64  `json:"wall_seconds"`
	Speedup            float64  `json:"speedup"`
	Events             int      `json:"events"`
	LeaderElections    int      `json:"leader_elections"`
	ConvergedAtSeconds *float64 `json:"converged_at_seconds"`
	// NotConverged, when gossip never converged, says how close it came: the first moment
	// the most views were right and the views missing then (who missed whom).
	NotConverged *NotConverged `json:"not_converged,omitempty"`

	SummaryVersion int       `json:"summary_version"`
	Version        string    `json:"consim_version"`
	Build          string    `json:"guest_build"`
	StreamSHA256   string    `json:"stream_sha256"`
	Servers        int       `json:"servers"`
	Clients        int       `json:"clients"`
	FinalLeaders   []string  `json:"final_leaders"`
	Net            event.Net `json:"net"`

	// Workload is what the workload clients did (absent without a workload).
	Workload *Workload `json:"workload,omitempty"`

	// UserEvents judges user-event delivery (gossip.go); absent when no user event was
	// fired.
	UserEvents *checker.UserEventStats `json:"user_events,omitempty"`
	// Queries counts queries and their answers (absent without any query).
	Queries *checker.QueryStats `json:"queries,omitempty"`
	// Locks is the lock-safety checker's report (absent without lock clients).
	Locks *checker.LockReport `json:"locks,omitempty"`

	// Discovery is the discovery workload's freshness: how long lookups kept returning
	// instances after their check went critical or their node failed (absent without
	// lookups). Catalog is whether every running server's catalog agrees with the agents'
	// checks at the end (absent without the catalog).
	Discovery *checker.DiscoveryReport    `json:"discovery,omitempty"`
	Catalog   *checker.CatalogConvergence `json:"catalog,omitempty"`
	// Registrations is how long after each member joined the catalog, DNS and HTTP
	// lookups showed the service a register_service handler registered for it, and which
	// joins were never registered (absent without such handlers).
	Registrations *checker.RegistrationReport `json:"registrations,omitempty"`

	// Verdicts, Anomalies and Staleness are the linearizability checks of the workload
	// (linearizability.go): a verdict and its anomalies per read mode that has reads, and
	// how far behind the stale reads were. Absent without a workload.
	Verdicts map[string]string `json:"verdicts,omitempty"`
	// CheckTimeoutSeconds is the checker time each key of each read mode had
	// (expect.check_timeout, or the default); absent without a workload.
	CheckTimeoutSeconds float64                   `json:"check_timeout_seconds,omitempty"`
	Anomalies           map[string]*ModeAnomalies `json:"anomalies,omitempty"`
	Staleness           *checker.Staleness        `json:"staleness,omitempty"`

	// LostWrites compares the final consistent reads with every acknowledged write
	// (absent without a workload); Membership is how members saw each other (status
	// changes, flaps, false failures); Leader is raft leadership over time.
	LostWrites *checker.LostWritesReport `json:"lost_writes,omitempty"`
	Membership checker.MembershipReport  `json:"membership"`
	Leader     checker.LeaderReport      `json:"leader"`

	// Faults lists every fault firing with its resolved targets and effect (faults.go);
	// Liveness is the outcome of the liveness phase (absent when the scenario skips it).
	Faults   []Fault   `json:"faults"`
	Liveness *Liveness `json:"liveness,omitempty"`

	// Expectations are the scenario's expectations and whether each held (absent when
	// the scenario has none); `consim run` exits 1 when one did not.
	Expectations []Expectation `json:"expectations,omitempty"`
}

// NewSummary summarizes a run from its stream, with the default check timeout and no
// expectations (Judge does it all); wall is the wall time it took (zero when re-derived
// from a saved stream, where it is unknown).
func NewSummary(events []event.Event, stream []byte, wall time.Duration) Summary {
	return newSummary(checker.NewRun(events), stream, wall, CheckTimeout)
}

// newSummary is NewSummary of a decoded run, with the checker time each key gets.
func newSummary(run *checker.Run, stream []byte, wall, checkTimeout time.Duration) Summary {
	events := run.Events
	sum := sha256.Sum256(stream)
	s := Summary{
		Events:          len(events),
		LeaderElections: checker.LeaderElections(run),
		WallSeconds:     round3(wall.Seconds()),
		SummaryVersion:  SummaryVersion,
		StreamSHA256:    hex.EncodeToString(sum[:]),
		FinalLeaders:    []string{},
	}
	for _, ev := range events {
		switch ev.Type {
		case event.RunStart:
			s.Scenario, s.Seed, s.Version, s.Build = ev.Scenario, ev.Seed, ev.Version, ev.Build
			s.Servers, s.Clients, s.Bugs = ev.Servers, ev.Clients, ev.Bugs
		case event.RunEnd:
			s.VirtualSeconds = round3(ev.T.Seconds())
			if ev.Net != nil {
				s.Net = *ev.Net
			}
			if ev.Leaders != nil {
				s.FinalLeaders = ev.Leaders
			}
		}
	}
	if wall > 0 {
		s.Speedup = round3(s.VirtualSeconds / wall.Seconds())
	}
	s.Workload = NewWorkload(run)
	if s.Workload != nil {
		s.CheckTimeoutSeconds = checkTimeout.Seconds()
		s.Verdicts, s.Anomalies, s.Staleness = linearizability(run, checkTimeout)
	}
	s.UserEvents, s.Queries = gossipStats(run)
	s.Locks = checker.Locks(run)
	s.Discovery, s.Catalog = discoveryStats(run)
	s.Registrations = checker.Registrations(run)
	s.Faults, s.Liveness = faultSummary(run)
	s.Membership, s.Leader = checker.Membership(run), checker.Leader(run)
	if s.Workload != nil {
		if lw, err := checker.LostWrites(run); err == nil {
			s.LostWrites = &lw
		}
	}
	if at, ok := checker.Convergence(run); ok {
		v := round3(at.Seconds())
		s.ConvergedAtSeconds = &v
	} else if at, missing := checker.ClosestToConvergence(run); len(missing) > 0 {
		s.NotConverged = &NotConverged{ClosestAtSeconds: round3(at.Seconds()), Missing: missing}
	}
	return s
}

// NotConverged is summary.json's not_converged.
type NotConverged struct {
	// ClosestAtSeconds is the first moment the most views were right; Missing the views
	// that were not then.
	ClosestAtSeconds float64          `json:"closest_at_seconds"`
	Missing          []checker.Unseen `json:"missing"`
}

// JSON returns the summary as indented JSON with a trailing newline.
func (s Summary) JSON() []byte {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("reports: encode summary: " + err.Error()) // plain data: cannot fail
	}
	return append(b, '\n')
}

// RunJSON is the summary as `consim run --format json` prints it: summary.json, plus
// where the run directory is and how to replay the run.
func (s Summary) RunJSON(dir, reproduce string) []byte {
	b, err := json.MarshalIndent(struct {
		Summary
		RunDir    string `json:"run_dir"`
		Reproduce string `json:"reproduce"`
	}{s, dir, reproduce}, "", "  ")
	if err != nil {
		panic("reports: encode summary: " + err.Error()) // plain data: cannot fail
	}
	return append(b, '\n')
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
