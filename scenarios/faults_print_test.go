package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// parseFaultSpec reads one fault in scenario syntax, as Spec prints it, with the strict
// decoder of scenario files.
func parseFaultSpec(t *testing.T, spec string) Fault {
	t.Helper()
	root, ferr := parseYAML("spec", []byte(spec))
	if ferr != nil {
		t.Fatalf("%q: %v", spec, ferr)
	}
	d := newDecoder("spec")
	var f Fault
	d.decode(nil, root, reflect.ValueOf(&f).Elem(), "fault")
	if len(d.errs) > 0 {
		t.Fatalf("%q: %v", spec, (&ErrorList{Errs: d.errs}).Error())
	}
	return f
}

// specCorpus returns every fault of every testdata file and built-in scenario that
// parses, sequence steps included.
func specCorpus(t *testing.T) []Fault {
	t.Helper()
	var faults []Fault
	add := func(s *Scenario) {
		for _, f := range s.Faults {
			faults = append(faults, f)
			faults = append(faults, f.Sequence...)
		}
	}
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := Parse(file, data); err == nil {
			add(s)
		}
	}
	for _, name := range Builtins() {
		if s, _, err := Load(name); err == nil {
			add(s)
		}
	}
	return faults
}

// TestSpecRoundTrip parses the Spec of every fault of every testdata and built-in
// scenario and gets the same Fault, and checks that each Spec is one line.
func TestSpecRoundTrip(t *testing.T) {
	faults := specCorpus(t)
	kinds := map[string]bool{}
	for _, f := range faults {
		spec := f.Spec()
		if slices.Contains([]byte(spec), '\n') {
			t.Errorf("Spec is not one line: %q", spec)
		}
		if back := parseFaultSpec(t, spec); !reflect.DeepEqual(back, f) {
			t.Errorf("Spec %s parses back as\n%#v\nwant\n%#v", spec, back, f)
		}
		if f.String() != spec {
			t.Errorf("String() = %q, want Spec() %q", f.String(), spec)
		}
		kinds[f.Kind()] = true
	}
	for _, k := range FaultKinds {
		if !kinds[k] {
			t.Errorf("no fault of kind %s in testdata: add one to testdata/faults.yaml", k)
		}
	}
}

// TestSpecText pins the text of a few faults, including ones the world prints: targets
// resolved, a step's firing name, values Spec must quote.
func TestSpecText(t *testing.T) {
	sec := func(n float64) Duration { return Duration(n * float64(time.Second)) }
	lat := Latency{Dist: DistConstant}
	for _, tt := range []struct {
		f    Fault
		want string
	}{
		{Fault{Name: "isolate-1", At: sec(10), For: sec(5), Isolate: TargetLeader}, "{name: isolate-1, at: 10s, for: 5s, isolate: leader}"},
		{Fault{Name: "steps.2", At: sec(90.5), For: sec(1), Proto: ProtoPackets, Isolate: "server-3"}, "{name: steps.2, at: 1m30.5s, for: 1s, proto: packets, isolate: server-3}"},
		{Fault{Name: "p", Partition: &Partition{Groups: [][]string{{"server-1", "c1"}, {"server-2"}}}}, "{name: p, partition: {groups: [[server-1, c1], [server-2]]}}"},
		{Fault{Link: &LinkFault{Latency: &lat, Loss: 0.25}}, "{link: {latency: {dist: constant, mean: 0s}, loss: 0.25}}"},
		{Fault{Disk: &DiskFault{Node: "server-1"}}, "{disk: {node: server-1, write_latency: 0s}}"},
		{Fault{Heal: "all"}, "{heal: all}"},
		{Fault{}, "{}"},
		{Fault{Name: "two\nlines", Isolate: "a, b: {c}"}, `{name: "two\nlines", isolate: "a, b: {c}"}`},
		{Fault{Crash: "true"}, `{crash: "true"}`},
	} {
		if got := tt.f.Spec(); got != tt.want {
			t.Errorf("Spec() = %s, want %s", got, tt.want)
		}
		if tt.f.Kind() != "" || tt.f.Name != "" {
			if back := parseFaultSpec(t, tt.f.Spec()); !reflect.DeepEqual(back, tt.f) {
				t.Errorf("%s parses back as %#v", tt.want, back)
			}
		}
	}
}

func TestKind(t *testing.T) {
	one := []Fault{
		{Partition: &Partition{Ring: true}}, {Isolate: "x"}, {OneWay: &OneWay{}}, {Heal: "all"},
		{Link: &LinkFault{}}, {NICDown: &NICFault{}}, {NICFlap: &NICFlap{}}, {Crash: "x"},
		{Restart: "x"}, {Leave: "x"}, {Pause: "x"}, {Disk: &DiskFault{}}, {UnsafeFsyncLies: "x"},
		{Nemesis: &Nemesis{}}, {Sequence: []Fault{{}}},
	}
	if len(one) != len(FaultKinds) {
		t.Fatalf("%d faults for %d kinds", len(one), len(FaultKinds))
	}
	for i, f := range one {
		if got := f.Kind(); got != FaultKinds[i] {
			t.Errorf("Kind() = %q, want %q", got, FaultKinds[i])
		}
	}
	if k := (Fault{Sequence: []Fault{}}).Kind(); k != "" {
		t.Errorf("empty sequence: Kind() = %q", k)
	}
	if k := (Fault{Isolate: "x", Crash: "y"}).Kind(); k != KindIsolate {
		t.Errorf("two kinds: Kind() = %q, want the first, isolate", k)
	}
	// Every kind is a field of Fault, with that yaml key.
	keys, _ := fieldKeys(reflect.TypeFor[Fault]())
	for _, k := range FaultKinds {
		if !slices.Contains(keys, k) {
			t.Errorf("kind %s is not a key of Fault", k)
		}
	}
}

func TestTargetNames(t *testing.T) {
	s := &Scenario{Cluster: Cluster{Servers: 2, Clients: 1}}
	if got, want := s.TargetNames(), []string{"server-1", "server-2", "client-1"}; !slices.Equal(got, want) {
		t.Errorf("no workload: %v, want %v", got, want)
	}
	s.Workload = &Workload{}
	if got, want := s.TargetNames(), []string{"server-1", "server-2", "client-1", "c1"}; !slices.Equal(got, want) {
		t.Errorf("default workload: %v, want %v", got, want)
	}
	s.Workload.Clients = 3
	if got, want := s.TargetNames(), []string{"server-1", "server-2", "client-1", "c1", "c2", "c3"}; !slices.Equal(got, want) {
		t.Errorf("3 workload clients: %v, want %v", got, want)
	}
	for _, d := range DynamicTargets {
		if !IsDynamicTarget(d) || IsNodeSet(d) {
			t.Errorf("%s: dynamic %v, set %v", d, IsDynamicTarget(d), IsNodeSet(d))
		}
	}
	for _, n := range NodeSets {
		if IsDynamicTarget(n) || !IsNodeSet(n) {
			t.Errorf("%s: dynamic %v, set %v", n, IsDynamicTarget(n), IsNodeSet(n))
		}
	}
	for _, n := range []string{"server-1", "c1", "", "Leader"} {
		if IsDynamicTarget(n) || IsNodeSet(n) {
			t.Errorf("%q is neither dynamic nor a set", n)
		}
	}
}

func TestFaultDefaults(t *testing.T) {
	s, err := Parse("t.yaml", []byte(withBase("faults:\n  - {at: 1s, for: 1s, nic_flap: {node: server-1, nic: eth0, period: 1s}}\n  - {name: cut, at: 1s, for: 1s, isolate: server-2}\n  - {at: 1s, for: 1s, unsafe_fsync_lies: server-3}\n")))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range s.Faults {
		names = append(names, f.Name)
	}
	if want := []string{"nic-flap-1", "cut", "unsafe-fsync-lies-3"}; !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	if s.Liveness != (Liveness{Timeout: DefaultLivenessTimeout}) {
		t.Errorf("liveness %+v", s.Liveness)
	}
	s, err = Parse("t.yaml", []byte(withBase("liveness: {skip: true}\n")))
	if err != nil || s.Liveness != (Liveness{Skip: true}) {
		t.Errorf("skipped liveness: %+v, %v", s.Liveness, err)
	}
}

// FuzzSpecString checks that Spec writes any string so that a YAML parser reads it back
// unchanged (invalid UTF-8 becomes U+FFFD, as in Canonical), whatever plainSafe decides.
func FuzzSpecString(f *testing.F) {
	for _, s := range []string{"abc", "2", "1.5", "true", "yes", "null", "~", "", "a b", "a,b", "a:b", "-a", "server-1",
		"127.0.1.1:8301", "[x]", "#x", "a #b", "x'y", "x\"y", "é", "5s", "500µs", ".5", "0x10", "1e5", "NaN", ".inf", "*x",
		"a\tb", " a", "a ", "TRUE", "0o7", "+1", "1_000", "12:30", "2001-12-14", "two\nlines\n", "\x00", "\xff", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" {
			return // a zero field is left out
		}
		spec := Fault{Isolate: s}.Spec()
		var back map[string]any
		if err := yaml.Unmarshal([]byte(spec), &back); err != nil {
			t.Fatalf("%q printed as %s, which does not parse: %v", s, spec, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if got, ok := back["isolate"].(string); !ok || got != want {
			t.Fatalf("%q printed as %s, read back as %#v", s, spec, back["isolate"])
		}
	})
}
