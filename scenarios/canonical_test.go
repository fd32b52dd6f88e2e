package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// checkRoundTrip checks that s, a parsed scenario, parses back from its canonical text,
// and that the canonical text is a fixed point.
func checkRoundTrip(t *testing.T, s *Scenario) {
	t.Helper()
	text := s.Canonical()
	back, err := Parse("canonical", text)
	if err != nil {
		t.Fatalf("canonical text does not parse: %v\n%s", err, text)
	}
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("round trip changed the scenario:\ngot  %+v\nwant %+v\ntext:\n%s", *back, *s, text)
	}
	if again := back.Canonical(); string(again) != string(text) {
		t.Fatalf("canonical text is not stable:\n%s\nthen:\n%s", text, again)
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := Parse(file, data); err == nil {
			t.Run(filepath.Base(file), func(t *testing.T) { checkRoundTrip(t, s) })
		}
	}
	for _, l := range []Latency{
		{Dist: DistConstant},
		{Dist: DistUniform, Max: 1},
		{Dist: DistNormal, Stddev: 1},
		{Dist: DistNormal, Mean: 5e6, Stddev: 1e6, Min: 1e6},
		{Dist: DistExponential, Mean: 1},
	} {
		s := &Scenario{Name: "zero-values", Seed: 1, Duration: Duration(1e9), Cluster: Cluster{Servers: 1}, Network: Network{Latency: l}}
		s.ApplyDefaults()
		if err := s.Validate(); err != nil {
			t.Fatalf("%+v: %v", l, err)
		}
		t.Run(l.Dist, func(t *testing.T) { checkRoundTrip(t, s) })
	}
}

func TestCanonicalText(t *testing.T) {
	s := &Scenario{
		Name:     "text",
		Seed:     42,
		Duration: Duration(90e9),
		Cluster:  Cluster{Servers: 3},
		Network:  Network{Latency: Latency{Dist: DistConstant}, Loss: 0.25},
	}
	want := `name: text
seed: 42
duration: 1m30s
cluster:
  servers: 3
network:
  latency:
    dist: constant
    mean: 0s
  loss: 0.25
`
	if got := string(s.Canonical()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
