package scenarios

import (
	"reflect"
	"testing"
	"time"
)

// TestWorkloadRules has a good and a bad case for every rule of the workload section,
// in the style of TestRules: each fragment is merged into baseDoc (3 servers, no client
// agents, 10s).
func TestWorkloadRules(t *testing.T) {
	tests := []ruleCase{
		{"empty workload", "workload: {}\n", ""},
		{"docs example", "cluster: {servers: 3, clients: 2}\nworkload:\n  clients: 4\n  rate: 50/s\n  keys: 16\n  mix: {get: 6, put: 3, cas: 1}\n" +
			"  read_modes: [default, consistent, stale]\n  via: [any]\n  timeout: 2s\n  start: 3s\n", ""},
		{"workload null", "workload:\n", `t.yaml:5:10: workload: expected a mapping, found nothing (the value is empty)`},
		{"workload not mapping", "workload: 3\n", `t.yaml:5:11: workload: expected a mapping, found integer 3`},
		{"unknown field", "workload: {client: 2}\n", `t.yaml:5:12: workload.client: unknown field "client" (did you mean "clients"?); allowed in workload: clients, rate, think, keys, mix, read_modes, via, timeout, start, stop, locks`},

		// clients
		{"clients ok", "workload: {clients: 250}\n", ""},
		{"clients zero", "workload: {clients: 0}\n", `t.yaml:5:21: workload.clients: must be between 1 and 250, got 0`},
		{"clients 251", "workload: {clients: 251}\n", `t.yaml:5:21: workload.clients: must be between 1 and 250, got 251`},

		// rate and think
		{"rate per second", "workload: {rate: 50/s}\n", ""},
		{"rate per minute", "workload: {rate: 30/m}\n", ""},
		{"rate fraction", "workload: {rate: 0.5/s}\n", ""},
		{"rate max", "workload: {rate: 1000/s}\n", ""},
		{"rate no unit", "workload: {rate: 50}\n", `t.yaml:5:18: workload.rate: invalid rate "50": write operations per second or per minute, like 50/s or 30/m`},
		{"rate per hour", "workload: {rate: 5/h}\n", `t.yaml:5:18: workload.rate: invalid rate "5/h": write operations per second or per minute, like 50/s or 30/m`},
		{"rate garbage", "workload: {rate: fast}\n", `t.yaml:5:18: workload.rate: invalid rate "fast": write operations per second or per minute, like 50/s or 30/m`},
		{"rate nan", "workload: {rate: NaN/s}\n", `t.yaml:5:18: workload.rate: invalid rate "NaN/s": write operations per second or per minute, like 50/s or 30/m`},
		{"rate zero", "workload: {rate: 0/s}\n", `t.yaml:5:18: workload.rate: must be above 0/s and at most 1000/s, got 0/s`},
		{"rate negative", "workload: {rate: -1/s}\n", `t.yaml:5:18: workload.rate: must be above 0/s and at most 1000/s, got -1/s`},
		{"rate too high", "workload: {rate: 1001/s}\n", `t.yaml:5:18: workload.rate: must be above 0/s and at most 1000/s, got 1001/s`},
		{"rate list", "workload: {rate: [1]}\n", `t.yaml:5:18: workload.rate: expected a rate (like 50/s or 30/m), found a list`},
		{"think ok", "workload: {think: 20ms}\n", ""},
		{"think zero", "workload: {think: 0s}\n", `t.yaml:5:19: workload.think: must be above 0s and at most 1h0m0s, got 0s`},
		{"think too long", "workload: {think: 2h}\n", `t.yaml:5:19: workload.think: must be above 0s and at most 1h0m0s, got 2h0m0s`},
		{"rate and think", "workload: {rate: 5/s, think: 1s}\n", `t.yaml:5:30: workload.think: rate and think exclude each other: rate is an open loop (operations start on a schedule), think a closed loop (one at a time); keep one`},

		// keys
		{"keys 1", "workload: {keys: 1}\n", ""},
		{"keys zero", "workload: {keys: 0}\n", `t.yaml:5:18: workload.keys: must be between 1 and 100000, got 0`},
		{"keys too many", "workload: {keys: 100001}\n", `t.yaml:5:18: workload.keys: must be between 1 and 100000, got 100001`},

		// mix
		{"mix ok", "workload: {mix: {get: 3, put: 1, cas: 0.5, delete: 0.1}}\n", ""},
		{"mix writes only", "workload: {mix: {put: 1}}\n", ""},
		{"mix empty", "workload: {mix: {}}\n", `t.yaml:5:12: workload.mix: weights must add up to more than 0: give at least one of get, put, cas, delete a positive weight`},
		{"mix all zero", "workload: {mix: {get: 0, put: 0}}\n", `t.yaml:5:12: workload.mix: weights must add up to more than 0: give at least one of get, put, cas, delete a positive weight`},
		{"mix negative", "workload: {mix: {get: 1, put: -1}}\n", `t.yaml:5:31: workload.mix.put: must be 0 or more, got -1`},
		{"mix unknown op", "workload: {mix: {read: 1}}\n", "t.yaml:5:12: workload.mix: weights must add up to more than 0: give at least one of get, put, cas, delete a positive weight\n" +
			`t.yaml:5:18: workload.mix.read: unknown field "read"; allowed in workload.mix: get, put, cas, delete`},

		// read_modes
		{"read_modes one", "workload: {read_modes: [stale]}\n", ""},
		{"read_modes empty", "workload: {read_modes: []}\n", `t.yaml:5:12: workload.read_modes: must list at least one of default, consistent, stale (leave it out for the default)`},
		{"read_modes unknown", "workload: {read_modes: [default, linearizable]}\n", `t.yaml:5:34: workload.read_modes[1]: must be one of default, consistent, stale, got "linearizable"`},
		{"read_modes twice", "workload: {read_modes: [stale, stale]}\n", `t.yaml:5:32: workload.read_modes[1]: "stale" is listed twice`},
		{"read_modes not list", "workload: {read_modes: stale}\n", `t.yaml:5:24: workload.read_modes: expected a list, found string "stale"`},

		// via
		{"via leader", "workload: {via: [leader]}\n", ""},
		{"via three clients", "workload: {clients: 3, via: [leader, followers, leader]}\n", ""},
		{"via unknown", "workload: {via: [master]}\n", `t.yaml:5:18: workload.via[0]: must be one of servers, clients, leader, followers, any, got "master"`},
		{"via clients without client agents", "workload: {via: [clients]}\n", `t.yaml:5:18: workload.via[0]: the cluster has no client agents (cluster.clients is 0)`},
		{"via clients with client agents", "cluster: {servers: 3, clients: 1}\nworkload: {via: [clients]}\n", ""},
		{"via followers of one server", "cluster: {servers: 1}\nworkload: {via: [followers]}\n", `t.yaml:4:18: workload.via[0]: a cluster with one server has no followers`},
		{"via more targets than clients", "workload: {clients: 2, via: [leader, followers, servers]}\n", `t.yaml:5:24: workload.via: lists 3 targets but there are only 2 workload clients: client N talks to target N, so the last 1 would never be used`},
		{"via empty", "workload: {via: []}\n", `t.yaml:5:12: workload.via: must list at least one of servers, clients, leader, followers, any (leave it out for the default)`},

		// timeout, start, stop
		{"timeout ok", "workload: {timeout: 10m}\n", ""},
		{"timeout zero", "workload: {timeout: 0s}\n", `t.yaml:5:21: workload.timeout: must be above 0s and at most 10m0s, got 0s`},
		{"timeout too long", "workload: {timeout: 11m}\n", `t.yaml:5:21: workload.timeout: must be above 0s and at most 10m0s, got 11m0s`},
		{"start and stop ok", "workload: {start: 2s, stop: 10s}\n", ""},
		{"start at the end", "workload: {start: 10s}\n", `t.yaml:5:19: workload.start: must be at least 0s and before the end of the run (duration 10s), got 10s`},
		{"start negative", "workload: {start: -1s}\n", `t.yaml:5:19: workload.start: must be at least 0s and before the end of the run (duration 10s), got -1s`},
		{"stop before start", "workload: {start: 5s, stop: 5s}\n", `t.yaml:5:29: workload.stop: must be after start (5s) and at most the duration (10s), got 5s (leave it out to run to the end)`},
		{"stop after the end", "workload: {stop: 11s}\n", `t.yaml:5:18: workload.stop: must be after start (0s) and at most the duration (10s), got 11s (leave it out to run to the end)`},
		{"bad duration", "workload: {start: soon}\n", `t.yaml:5:19: workload.start: invalid duration "soon": write a number with a unit, like 500ms, 10s or 2m`},
	}
	checkRuleCases(t, tests)
}

// A workload written as {} gets every default, and Canonical writes them out.
func TestWorkloadDefaults(t *testing.T) {
	s, err := Parse("t.yaml", []byte(withBase("workload: {}\n")))
	if err != nil {
		t.Fatal(err)
	}
	want := &Workload{Clients: 1, Rate: 10, Keys: 8, Mix: Mix{Get: 0.6, Put: 0.3, CAS: 0.1},
		ReadModes: []string{"default", "consistent", "stale"}, Via: []string{"any"}, Timeout: Duration(5 * time.Second)}
	if !reflect.DeepEqual(s.Workload, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", *s.Workload, *want)
	}
	wantText := `name: t
seed: 1
duration: 10s
cluster:
  servers: 3
network:
  latency:
    dist: constant
    mean: 1ms
workload:
  clients: 1
  rate: 10/s
  keys: 8
  mix:
    get: 0.6
    put: 0.3
    cas: 0.1
  read_modes:
    - default
    - consistent
    - stale
  via:
    - any
  timeout: 5s
liveness:
  timeout: 1m0s
`
	if got := string(s.Canonical()); got != wantText {
		t.Errorf("canonical:\n%s\nwant:\n%s", got, wantText)
	}
	// A closed loop gets no rate.
	s, err = Parse("t.yaml", []byte(withBase("workload: {think: 1s}\n")))
	if err != nil {
		t.Fatal(err)
	}
	if s.Workload.Rate != 0 || s.Workload.Think != Duration(time.Second) {
		t.Errorf("think workload got rate %s, think %s", s.Workload.Rate, s.Workload.Think)
	}
	// Without a workload section there is none.
	s, err = Parse("t.yaml", []byte(baseDoc))
	if err != nil || s.Workload != nil {
		t.Errorf("no workload section: %+v, %v", s.Workload, err)
	}
}

// Rates read per minute come back per second, and the text round-trips exactly.
func TestRateText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		out  string
	}{
		{"50/s", 50, "50/s"},
		{"30/m", 0.5, "0.5/s"},
		{"1/m", Rate(1.0 / 60), "0.016666666666666666/s"},
		{"2.5/s", 2.5, "2.5/s"},
		{"1e2/s", 100, "100/s"},
	} {
		var r Rate
		if err := r.UnmarshalText([]byte(tc.in)); err != nil || r != tc.want || r.String() != tc.out {
			t.Errorf("%q: got %v (%s), %v; want %v (%s)", tc.in, float64(r), r, err, float64(tc.want), tc.out)
		}
		var back Rate
		if err := back.UnmarshalText([]byte(r.String())); err != nil || back != r {
			t.Errorf("%s does not read back: %v, %v", r, float64(back), err)
		}
	}
	for _, bad := range []string{"", "/s", "5", "5/", "5/sec", " 5/s", "5 /s", "Inf/s", "5/s/s"} {
		var r Rate
		if err := r.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q accepted as %v", bad, float64(r))
		}
	}
}

// Validate on scenarios built in Go: zero fields are defaults, wrong values are errors
// with paths.
func TestWorkloadValidateInGo(t *testing.T) {
	base := func(w *Workload) *Scenario {
		return &Scenario{Name: "go", Duration: Duration(10 * time.Second), Cluster: Cluster{Servers: 3}, Workload: w}
	}
	if err := base(&Workload{}).Validate(); err != nil {
		t.Errorf("zero workload: %v", err)
	}
	for _, tc := range []struct {
		w    Workload
		want string
	}{
		{Workload{Clients: -1}, "workload.clients: must be between 1 and 250, got -1"},
		{Workload{Mix: Mix{Get: -1}}, "workload.mix.get: must be 0 or more, got -1"},
		{Workload{ReadModes: []string{"stale", "eventual"}}, `workload.read_modes[1]: must be one of default, consistent, stale, got "eventual"`},
		{Workload{Via: []string{"any", "any"}}, "workload.via: lists 2 targets but there are only 1 workload clients: client N talks to target N, so the last 1 would never be used"},
		{Workload{Rate: 5, Think: Duration(time.Second)}, "workload.think: rate and think exclude each other: rate is an open loop (operations start on a schedule), think a closed loop (one at a time); keep one"},
		{Workload{Stop: Duration(20 * time.Second)}, "workload.stop: must be after start (0s) and at most the duration (10s), got 20s (leave it out to run to the end)"},
	} {
		if got := errText(base(&tc.w).Validate()); got != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.w, got, tc.want)
		}
	}
}
