package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestGolden parses every testdata/*.yaml file and compares the outcome with
// testdata/NAME.golden: the error text for an invalid file, the canonical form for a
// valid one. Run with -update to rewrite the golden files, then review the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(file, data)
			var got string
			if err != nil {
				got = "ERRORS\n" + err.Error() + "\n"
			} else {
				got = "OK\n" + string(s.Canonical())
			}
			checkGolden(t, strings.TrimSuffix(file, ".yaml")+".golden", got)
		})
	}
}

// TestThreeErrors checks the positions of the errors of a file with an unknown field, a
// bad duration and a negative server count, field by field.
func TestThreeErrors(t *testing.T) {
	const file = "testdata/three-errors.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(file, data)
	var list *ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %T %v, want *ErrorList", err, err)
	}
	want := []*FieldError{
		{File: file, Line: 3, Col: 11, Field: "duration", Msg: `invalid duration "10 seconds": write a number with a unit, like 500ms, 10s or 2m`},
		{File: file, Line: 5, Col: 12, Field: "cluster.servers", Msg: "must be between 1 and 15, got -2"},
		{File: file, Line: 7, Col: 1, Field: "netwrok", Msg: `unknown field "netwrok" (did you mean "network"?); allowed at the top level: name, description, seed, duration, cluster, network, disk, cpu, workload, gossip, services, anti_entropy, dns, discovery, actions, faults, liveness, bugs, expect`},
	}
	if !reflect.DeepEqual(list.Errs, want) {
		t.Errorf("got:\n%v\nwant:\n%v", list, &ErrorList{Errs: want})
	}
}

func TestFieldErrorFormat(t *testing.T) {
	tests := []struct {
		err  FieldError
		want string
	}{
		{FieldError{File: "a.yaml", Line: 3, Col: 5, Field: "cluster.servers", Msg: "bad"}, "a.yaml:3:5: cluster.servers: bad"},
		{FieldError{File: "a.yaml", Line: 1, Col: 1, Msg: "file is empty"}, "a.yaml:1:1: file is empty"},
		{FieldError{Field: "cluster.servers", Msg: "bad"}, "cluster.servers: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	list := &ErrorList{Errs: []*FieldError{&tests[0].err, &tests[1].err}}
	if got, want := list.Error(), "a.yaml:3:5: cluster.servers: bad\na.yaml:1:1: file is empty"; got != want {
		t.Errorf("ErrorList: got %q, want %q", got, want)
	}
	var fe *FieldError
	if !errors.As(error(list), &fe) || fe != &tests[0].err {
		t.Error("errors.As does not find the first FieldError in an ErrorList")
	}
}

func TestParseErrorsSortedAndTyped(t *testing.T) {
	_, err := Parse("x.yaml", []byte("network: {loss: 2}\ncluster: {servers: 0}\nname: X\n"))
	var list *ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %T, want *ErrorList", err)
	}
	for i := 1; i < len(list.Errs); i++ {
		a, b := list.Errs[i-1], list.Errs[i]
		if a.Line > b.Line || a.Line == b.Line && a.Col > b.Col {
			t.Errorf("errors not sorted:\n%v", list)
		}
	}
}

func TestTooLarge(t *testing.T) {
	data := []byte(baseDoc + "description: " + strings.Repeat("x", MaxFileSize) + "\n")
	_, err := Parse("big.yaml", data)
	want := "big.yaml:1:1: file is 1048634 bytes; scenario files are limited to 1048576"
	if errText(err) != want {
		t.Errorf("got %q, want %q", errText(err), want)
	}
}

func TestApplyDefaults(t *testing.T) {
	var s Scenario
	s.ApplyDefaults()
	if s.Seed != DefaultSeed || s.Network.Latency != DefaultLatency() {
		t.Errorf("defaults not applied: %+v", s)
	}
	s = Scenario{Seed: 7, Network: Network{Latency: Latency{Dist: DistConstant}}}
	want := s
	want.Liveness.Timeout = DefaultLivenessTimeout
	s.ApplyDefaults()
	s.ApplyDefaults()
	if !reflect.DeepEqual(s, want) {
		t.Errorf("ApplyDefaults changed set fields: got %+v, want %+v", s, want)
	}
	p, err := Parse("m.yaml", []byte(baseDoc))
	if err != nil {
		t.Fatal(err)
	}
	if p.Seed != 1 || p.Network.Latency != (Latency{Dist: DistConstant, Mean: Duration(1e6)}) {
		t.Errorf("Parse did not apply defaults: %+v", p)
	}
}

// TestValidateGo validates scenarios built in Go: errors carry paths only, zero values
// that ApplyDefaults fills are accepted, and zero values that are meaningful (a constant
// latency of 0s) are too.
func TestValidateGo(t *testing.T) {
	valid := func() Scenario {
		return Scenario{Name: "go", Duration: Duration(10e9), Cluster: Cluster{Servers: 3}}
	}
	tests := []struct {
		name   string
		modify func(*Scenario)
		want   string
	}{
		{"valid, defaults not applied", func(*Scenario) {}, ""},
		{"valid, defaults applied", (*Scenario).ApplyDefaults, ""},
		{"zero value", func(s *Scenario) { *s = Scenario{} }, "name: required field is missing\nduration: required field is missing\ncluster: required field is missing"},
		{"servers missing", func(s *Scenario) { s.Cluster = Cluster{Clients: 2} }, "cluster.servers: required field is missing"},
		{"constant 0s", func(s *Scenario) { s.Network.Latency = Latency{Dist: DistConstant} }, ""},
		{"constant with stddev", func(s *Scenario) { s.Network.Latency = Latency{Dist: DistConstant, Stddev: 1} }, "network.latency.stddev: does not apply when dist is constant, which uses mean"},
		{"normal without stddev", func(s *Scenario) { s.Network.Latency = Latency{Dist: DistNormal, Mean: 1e6} }, "network.latency.stddev: must be greater than 0s for dist normal, got 0s"},
		{"uniform zero", func(s *Scenario) { s.Network.Latency = Latency{Dist: DistUniform} }, "network.latency.max: must be greater than min (0s), got 0s"},
		{"latency without dist", func(s *Scenario) { s.Network.Latency = Latency{Mean: 1e6} }, "network.latency.dist: required field is missing"},
		{"seed override", func(s *Scenario) { s.Seed = 42 }, ""},
		{"several", func(s *Scenario) { s.Name = "A"; s.Cluster.Clients = 300; s.Network.Loss = 1 },
			"name: must be 1 to 63 lower-case letters, digits or '-', starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,62}$), got \"A\"\n" +
				"cluster.clients: must be between 0 and 250, got 300\nnetwork.loss: must be at least 0 and less than 1, got 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.modify(&s)
			if got := errText(s.Validate()); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestSyntaxErrors checks that YAML syntax errors carry the right line (yaml.v3 reports
// some 0-based; Parse corrects them) and stop decoding.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"name: a: b\n", "s.yaml:1:1: YAML syntax error: mapping values are not allowed in this context"},
		{"name: x\ncluster:\n\tservers: 1\n", "s.yaml:3:1: YAML syntax error: found character that cannot start any token: a tab; YAML indents with spaces only"},
		{"name: x\ncluster:\n  - a\n  b: 1\n", "s.yaml:3:1: YAML syntax error: did not find expected '-' indicator"},
		{"name: x\ncluster: [1\n", "s.yaml:2:1: YAML syntax error: did not find expected ',' or ']'"},
		{"name: x\nduration: \"10s\n", "s.yaml:2:1: YAML syntax error: found unexpected end of stream"},
		{"name: x\ncluster:  *nowhere\n", "s.yaml:2:11: YAML syntax error: alias *nowhere refers to no anchor &nowhere"},
		{"name: x\n---\nname: [\n", "s.yaml:4:1: YAML syntax error: did not find expected node content"},
	}
	for _, tt := range tests {
		_, err := Parse("s.yaml", []byte(tt.doc))
		if got := errText(err); got != tt.want {
			t.Errorf("%q:\ngot  %s\nwant %s", tt.doc, got, tt.want)
		}
	}
}
