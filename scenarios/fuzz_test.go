package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that it fails only with a sorted *ErrorList
// whose errors name the file and a position, and that whatever it accepts validates and
// survives Canonical.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, name := range Builtins() {
		src, _ := BuiltinSource(name)
		f.Add(src)
	}
	for _, c := range faultRuleCases {
		f.Add([]byte(withBase(c.fragment)))
	}
	f.Add([]byte(baseDoc + "network: {latency: {dist: uniform, min: 1ms, max: 2ms}, loss: 0.5}\n"))
	f.Add([]byte(baseDoc + "faults:\n  - {at: 1s, sequence: [{for: 1s, sequence: [{for: 1s, heal: all}]}]}\n  - {at: 9223372036s, for: 9223372036s, every: 9223372036s, crash: server-1}\n"))
	f.Add([]byte(baseDoc + "faults: [{at: 1s, for: 1ns, every: 2ns, isolate: server-1}]\nduration: 24h\n"))
	f.Add([]byte("name: x\nduration: 1s\ncluster: {servers: 100000000000}\nfaults: [{crash: server-99999999}]\nnetwork: {nics: [{node: server-2, routes: [server-1]}]}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("name: \"\\x01\\u2028\"\nduration: 1s\ncluster: {servers: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			var list *ErrorList
			if !errors.As(err, &list) || len(list.Errs) == 0 {
				t.Fatalf("error %T %v is not a non-empty *ErrorList", err, err)
			}
			for i, e := range list.Errs {
				if e.File != "fuzz.yaml" || e.Line < 1 || e.Col < 1 || e.Msg == "" {
					t.Fatalf("bad error %#v", e)
				}
				if i > 0 && (list.Errs[i-1].Line > e.Line || list.Errs[i-1].Line == e.Line && list.Errs[i-1].Col > e.Col) {
					t.Fatalf("errors not sorted:\n%v", err)
				}
			}
			if s != nil {
				t.Fatal("scenario returned with an error")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse accepted what Validate rejects: %v", err)
		}
		back, err := Parse("canonical", s.Canonical())
		if err != nil {
			t.Fatalf("canonical text does not parse: %v\n%s", err, s.Canonical())
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip changed the scenario:\ngot  %#v\nwant %#v", back, s)
		}
	})
}

// FuzzCanonicalString checks that Canonical writes any string so that Parse reads back the
// same string: yaml.v3 left to choose a style itself writes some (a tab starting a line of
// a block) that it cannot read.
func FuzzCanonicalString(f *testing.F) {
	for _, s := range []string{"plain", "two\nlines\n", "\t\n", " lead", "trail ", "\x01", "\u2028", "#x", "- x", "a: b", "\n\n", "'\"", "\ufeff", "a\r\nb", "\u0085", "yes", "1e3", "~", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		if !utf8.ValidString(d) {
			return // Parse never returns invalid UTF-8; Canonical replaces it
		}
		s := &Scenario{Name: "x", Description: d, Seed: 1, Duration: Duration(time.Second), Cluster: Cluster{Servers: 1}}
		s.ApplyDefaults()
		back, err := Parse("canonical", s.Canonical())
		if err != nil {
			t.Fatalf("%q: %v\n%s", d, err, s.Canonical())
		}
		if back.Description != d {
			t.Fatalf("%q came back as %q\n%s", d, back.Description, s.Canonical())
		}
	})
}

// FuzzValidateAgreesWithParse builds scenarios in Go from fuzzed values and checks that
// Validate and Parse(Canonical(s)) agree on whether each is valid, and that a valid one
// comes back unchanged. This ties the Go-side rules, the file-side rules and Canonical
// together.
func FuzzValidateAgreesWithParse(f *testing.F) {
	f.Add("baseline", uint64(1), int64(60e9), 5, 3, "normal", int64(2e6), int64(5e5), int64(0), int64(0), 0.0)
	f.Add("u", uint64(0), int64(1e9), 1, 0, "uniform", int64(0), int64(0), int64(0), int64(3e6), 0.5)
	f.Add("c", uint64(9), int64(1e9), 15, 235, "constant", int64(0), int64(0), int64(0), int64(0), 0.0)
	f.Add("e", uint64(9), int64(1e9), 3, 0, "exponential", int64(3e6), int64(0), int64(1e6), int64(0), 0.1)
	f.Add("", uint64(0), int64(0), 0, 0, "", int64(0), int64(0), int64(0), int64(0), 1.0)
	f.Fuzz(func(t *testing.T, name string, seed uint64, dur int64, servers, clients int, dist string, mean, stddev, lo, hi int64, loss float64) {
		if !utf8.ValidString(name) || !utf8.ValidString(dist) {
			return
		}
		s := &Scenario{
			Name: name, Seed: seed, Duration: Duration(dur),
			Cluster: Cluster{Servers: servers, Clients: clients},
			Network: Network{
				Latency: Latency{Dist: dist, Mean: Duration(mean), Stddev: Duration(stddev), Min: Duration(lo), Max: Duration(hi)},
				Loss:    loss,
			},
		}
		s.ApplyDefaults()
		verr := s.Validate()
		text := s.Canonical()
		p, perr := Parse("canonical", text)
		if (verr == nil) != (perr == nil) {
			t.Fatalf("Validate says %v\nParse says %v\n%s", verr, perr, text)
		}
		if perr == nil && !reflect.DeepEqual(p, s) {
			t.Fatalf("round trip changed the scenario:\ngot  %#v\nwant %#v", p, s)
		}
	})
}

// FuzzFaultValidateAgreesWithParse builds a one-fault scenario in Go from fuzzed values
// and checks that Validate and Parse(Canonical(s)) agree on whether it is valid, that a
// valid one comes back unchanged, and that its fault's Spec parses back to it.
func FuzzFaultValidateAgreesWithParse(f *testing.F) {
	f.Add(1, "leader", "", "", int64(1e9), int64(2e9), int64(0), int64(0), 0.0)
	f.Add(7, "server-2", "x", "packets", int64(0), int64(0), int64(0), int64(0), 0.5)
	f.Add(4, "c1", "eth1", "", int64(1e9), int64(1e9), int64(3e9), int64(8e9), 1.5)
	f.Add(11, "random-server", "", "all", int64(-1), int64(1e9), int64(2e9), int64(9e9), 0.1)
	f.Add(13, "servers", "nemesis", "streams", int64(5e8), int64(0), int64(0), int64(0), 0.0)
	f.Fuzz(func(t *testing.T, kind int, target, name, proto string, at, dur, every, until int64, p float64) {
		if !utf8.ValidString(target) || !utf8.ValidString(name) || !utf8.ValidString(proto) {
			return
		}
		lat := Latency{Dist: DistLongTail, Min: Duration(at), Mean: Duration(dur), Max: Duration(until)}
		fault := Fault{Name: name, At: Duration(at), For: Duration(dur), Every: Duration(every), Until: Duration(until), Proto: proto}
		switch k := kind % 16; k {
		case 0:
			fault.Partition = &Partition{Groups: [][]string{{target}, {"server-1"}}}
		case 1:
			fault.Isolate = target
		case 2:
			fault.OneWay = &OneWay{From: []string{target}, To: []string{SetNodes}}
		case 3:
			fault.Heal = target
		case 4:
			fault.Link = &LinkFault{Node: target, Loss: p, Latency: &lat}
		case 5:
			fault.NICDown = &NICFault{Node: target, NIC: name}
		case 6:
			fault.NICFlap = &NICFlap{Node: target, NIC: NICPrimary, Period: Duration(every), Jitter: Duration(until)}
		case 7:
			fault.Crash = target
		case 8:
			fault.Restart = target
		case 9:
			fault.Leave = target
		case 10:
			fault.Pause = target
		case 11:
			fault.Disk = &DiskFault{Node: target, WriteLatency: Duration(dur)}
		case 12:
			fault.UnsafeFsyncLies = target
		case 13:
			fault.Nemesis = &Nemesis{Kinds: []string{name}, Interval: Duration(every), Duration: Duration(dur)}
		case 14:
			fault.Sequence = []Fault{{For: Duration(dur), Isolate: target}, {For: Duration(every), Proto: proto, Pause: target}}
		}
		s := &Scenario{Name: "f", Duration: Duration(10e9), Cluster: Cluster{Servers: 3, Clients: 1},
			Workload: &Workload{}, Faults: []Fault{fault}}
		s.ApplyDefaults()
		verr := s.Validate()
		text := s.Canonical()
		back, perr := Parse("canonical", text)
		if (verr == nil) != (perr == nil) {
			t.Fatalf("Validate says %v\nParse says %v\n%s", verr, perr, text)
		}
		if perr != nil {
			return
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("round trip changed the scenario:\ngot  %#v\nwant %#v", back, s)
		}
		if got := parseFaultSpec(t, s.Faults[0].Spec()); !reflect.DeepEqual(got, s.Faults[0]) {
			t.Fatalf("Spec %s parses back as %#v", s.Faults[0].Spec(), got)
		}
	})
}
