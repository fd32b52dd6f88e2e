package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/scenarios"
)

// The default matrix is valid and plans over the built-in bench: every condition, rate
// and seed one run, named as documented.
func TestDefaultMatrix(t *testing.T) {
	m, src, err := LoadMatrix("")
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(m, src); err != nil {
		t.Fatal(err)
	}
	sc, _, err := scenarios.Load("bench")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := Plan(sc, m, src)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(m.Conditions) * len(m.Rates) * len(m.Seeds); len(runs) != want || want < 12 {
		t.Fatalf("%d runs, want %d (and the default matrix to have a dozen or more)", len(runs), want)
	}
	if runs[0].Name != "lan-25rps-seed-1" {
		t.Errorf("first run named %q", runs[0].Name)
	}
	names := map[string]bool{}
	for _, r := range runs {
		names[r.Condition.Name] = true
	}
	for _, c := range []string{"lan", "wan", "fsync-0.1ms", "fsync-10ms", "isolate-leader", "cpu"} {
		if !names[c] {
			t.Errorf("the default matrix has no condition %s (README and docs/bench.md name it)", c)
		}
	}
}

// Plan rewrites the workload for the matrix and applies the condition, and leaves the
// scenario it was given as it was.
func TestPlanRewritesTheScenario(t *testing.T) {
	m, src, _ := LoadMatrix("")
	m.Paths = []string{PathFollower, PathClient}
	m.Ops = []string{"get", "cas"}
	m.Modes = []string{"stale"}
	m.Rates = []scenarios.Rate{50}
	if err := m.SelectConditions([]string{"cpu", "isolate-leader"}); err != nil {
		t.Fatal(err)
	}
	if err := Check(m, src); err != nil {
		t.Fatal(err)
	}
	sc, _, _ := scenarios.Load("bench")
	before := string(sc.Canonical())
	runs, err := Plan(sc, m, src)
	if err != nil {
		t.Fatal(err)
	}
	if string(sc.Canonical()) != before {
		t.Error("Plan changed the scenario it was given")
	}
	cpu, iso := runs[0].Scenario, runs[1].Scenario
	wl := cpu.Workload
	if wl.Clients != 2 || wl.Rate != 25 || wl.Think != 0 || strings.Join(wl.Via, ",") != "followers,clients" ||
		wl.Mix != (scenarios.Mix{Get: 1, CAS: 1}) || strings.Join(wl.ReadModes, ",") != "stale" || wl.Keys != sc.Workload.Keys || wl.Start != sc.Workload.Start {
		t.Errorf("workload as planned: %+v", *wl)
	}
	if cpu.CPU.ServiceTime.Get.D().Milliseconds() != 5 || !iso.CPU.ServiceTime.IsZero() {
		t.Errorf("cpu condition's service time %v, isolate-leader's %v", cpu.CPU.ServiceTime, iso.CPU.ServiceTime)
	}
	if len(iso.Faults) != 1 || iso.Faults[0].Name != "isolate-leader" || len(cpu.Faults) != 0 {
		t.Errorf("faults: isolate-leader has %v, cpu %v", iso.Faults, cpu.Faults)
	}
	if runs[0].Name != "cpu-50rps-seed-1" || runs[1].Name != "isolate-leader-50rps-seed-1" {
		t.Errorf("run names %s, %s", runs[0].Name, runs[1].Name)
	}
}

// A matrix file's mistakes are reported with the file's positions, each saying what is
// allowed; those of a condition that does not fit the scenario too, at the condition's
// field; a flag's, naming the flag.
func TestMatrixErrors(t *testing.T) {
	tests := []struct {
		name, file string
		flags      func(m *Matrix, src *Source)
		want       string
	}{
		{"unknown field", "modes: [default]\nrate: [10/s]\n", nil,
			`m.yaml:2:1: rate: unknown field "rate" (did you mean "rates"?); allowed at the top level: modes, paths, ops, rates, seeds, conditions`},
		{"bad values", "modes: [default, linearizable, default]\nops: [get, scan]\nrates: [10/s, 0/s, 10/s]\nseeds: [0]\n", nil,
			"m.yaml:1:18: modes[1]: must be one of default, consistent, stale, got \"linearizable\"\n" +
				"m.yaml:1:32: modes[2]: \"default\" is listed twice\n" +
				"m.yaml:2:12: ops[1]: must be one of get, put, cas, delete, got \"scan\"\n" +
				"m.yaml:3:15: rates[1]: must be above 0/s, got 0/s\n" +
				"m.yaml:3:20: rates[2]: 10/s is listed twice\n" +
				"m.yaml:4:9: seeds[0]: must be 1 or more, got 0"},
		{"rate not a rate", "rates: [10]\n", nil,
			`m.yaml:1:9: rates[0]: invalid rate "10": write operations per second or per minute, like 50/s or 30/m`},
		{"too fast per client", "rates: [3001/s]\n", nil,
			"m.yaml:1:9: rates[0]: 3001/s over 3 paths is 1000.3333333333334/s per workload client, above the workload's limit of 1000/s: offer at most 3000/s, or measure more paths"},
		{"condition names", "conditions:\n  - name: LAN\n  - network: {loss: 0.1}\n  - name: a\n  - name: a\n", nil,
			"m.yaml:2:11: conditions[0].name: must be 1 to 63 lower-case letters, digits, '.' or '-', starting with a letter or digit (it names run directories), got \"LAN\"\n" +
				"m.yaml:3:5: conditions[1].name: required field is missing\n" +
				"m.yaml:5:11: conditions[3].name: \"a\" is the name of an earlier condition"},
		{"condition field type", "conditions:\n  - name: a\n    disk: {write_latency: fast}\n", nil,
			`m.yaml:3:27: conditions[0].disk.write_latency: invalid duration "fast": write a number with a unit, like 500ms, 10s or 2m`},
		{"flag", "", func(m *Matrix, src *Source) { m.Paths = []string{"leader", "server"}; src.SetByFlag("paths") },
			`--paths: must be one of leader, follower, client, got "server"`},
		{"empty file", "# nothing but a comment\n", nil,
			"m.yaml:1:1: file is empty: it should hold a benchmark matrix (docs/bench.md)"},
		{"no conditions", "conditions: []\n", nil,
			"m.yaml:1:1: conditions: must list at least one condition (a condition with only a name runs the scenario as written)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = filepath.Join(t.TempDir(), "m.yaml")
				os.WriteFile(path, []byte(tc.file), 0o644)
			}
			m, src, err := LoadMatrix(path)
			if err == nil {
				if tc.flags != nil {
					tc.flags(m, src)
				}
				err = Check(m, src)
			}
			if err == nil {
				t.Fatalf("no error; want:\n%s", tc.want)
			}
			got := err.Error()
			if path != "" {
				got = strings.ReplaceAll(got, path, "m.yaml")
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// A condition that does not fit the scenario is placed at the condition's field in the
// matrix file; a path the scenario has no agent for at the path.
func TestPlanErrors(t *testing.T) {
	file := `conditions:
  - name: late
    faults:
      - {at: 30s, for: 4s, isolate: leader}
  - name: slow-cpu
    cpu: {service_time: {get: 2s}}
  - name: odd
    network: {latency: {dist: uniform, min: 5ms}}
`
	path := filepath.Join(t.TempDir(), "m.yaml")
	os.WriteFile(path, []byte(file), 0o644)
	m, src, err := LoadMatrix(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(m, src); err != nil {
		t.Fatal(err)
	}
	sc, _, _ := scenarios.Load("bench")
	check := func(want string) {
		t.Helper()
		_, err := Plan(sc, m, src)
		if err == nil {
			t.Fatalf("no error; want %s", want)
		}
		if got := strings.ReplaceAll(err.Error(), path, "m.yaml"); got != want {
			t.Errorf("got:\n%s\nwant:\n%s", got, want)
		}
	}
	check("m.yaml:4:14: conditions[0].faults[0].at: must be at least 0s and before the end of the run (duration 20s), got 30s")
	m.SelectConditions([]string{"slow-cpu", "odd"})
	check("m.yaml:6:31: conditions[1].cpu.service_time.get: must be between 0s and 1s, got 2s")
	m.SelectConditions([]string{"odd"})
	check("m.yaml:8:15: conditions[2].network.latency.max: must be greater than min (5ms), got 0s")

	noClients := *sc
	noClients.Cluster.Clients = 0
	m2, src2, _ := LoadMatrix("")
	if _, err := Plan(&noClients, m2, src2); err == nil || !strings.Contains(err.Error(), "paths[2]: scenario bench has no client agents") {
		t.Errorf("a client path on a scenario without client agents: %v", err)
	}
	noWorkload := *sc
	noWorkload.Workload = nil
	if _, err := Plan(&noWorkload, m2, src2); err == nil || !strings.Contains(err.Error(), "has no workload") {
		t.Errorf("a scenario without a workload: %v", err)
	}
}

func TestParseSeedsAndRates(t *testing.T) {
	s, err := ParseSeeds([]string{"3", "5-7"})
	if err != nil || len(s) != 4 || s[0] != 3 || s[3] != 7 {
		t.Errorf("ParseSeeds(3, 5-7) = %v, %v", s, err)
	}
	for _, bad := range []string{"x", "7-5", "1-5000", "-3"} {
		if _, err := ParseSeeds([]string{bad}); err == nil {
			t.Errorf("ParseSeeds(%q) accepted", bad)
		}
	}
	r, err := ParseRates([]string{"25/s", "600/m"})
	if err != nil || r[0] != 25 || r[1] != 10 {
		t.Errorf("ParseRates = %v, %v", r, err)
	}
	if _, err := ParseRates([]string{"25"}); err == nil {
		t.Error("ParseRates(25) accepted a rate without a unit")
	}
}
