package scenarios

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestBuiltins parses and validates every built-in scenario, checks that its file name
// is its name, and that it survives Canonical and JSON (how it reaches the guest).
func TestBuiltins(t *testing.T) {
	names := Builtins()
	if !slices.Contains(names, "baseline") {
		t.Fatalf("Builtins() = %v, want baseline among them", names)
	}
	if !slices.IsSorted(names) {
		t.Errorf("Builtins() = %v, not sorted", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			src, ok := BuiltinSource(name)
			if !ok {
				t.Fatal("BuiltinSource: not found")
			}
			s, err := Parse("builtin:"+name, src)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != name {
				t.Errorf("file builtin/%s.yaml has name %q", name, s.Name)
			}
			if s.Description == "" {
				t.Error("built-in scenarios need a description")
			}
			if err := s.Validate(); err != nil {
				t.Error(err)
			}
			checkRoundTrip(t, s)
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var fromJSON Scenario
			if err := json.Unmarshal(b, &fromJSON); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&fromJSON, s) {
				t.Errorf("JSON round trip:\ngot  %+v\nwant %+v", fromJSON, *s)
			}
		})
	}
}

func TestBaseline(t *testing.T) {
	s, _, err := Load("baseline")
	if err != nil {
		t.Fatal(err)
	}
	want := Cluster{Servers: 5, Clients: 3}
	lat := Latency{Dist: DistNormal, Mean: Duration(2e6), Stddev: Duration(5e5)}
	if s.Cluster != want || s.Network.Latency != lat || s.Network.Loss != 0 || s.Duration != Duration(60e9) || s.Seed != 1 {
		t.Errorf("baseline = %+v", *s)
	}
}

func TestBuiltinSourceUnknown(t *testing.T) {
	for _, name := range []string{"", "nope", "../builtin/baseline", "builtin/baseline", "baseline.yaml"} {
		if _, ok := BuiltinSource(name); ok {
			t.Errorf("BuiltinSource(%q) found something", name)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	shadow := filepath.Join(dir, "baseline")
	for path, text := range map[string]string{good: baseDoc, bad: "name: x\n", shadow: strings.Replace(baseDoc, "name: t", "name: shadow", 1)} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	s, src, err := Load(good)
	if err != nil || s.Name != "t" || string(src) != baseDoc {
		t.Errorf("Load(file) = %v, %q, %v", s, src, err)
	}

	_, src, err = Load(bad)
	want := bad + ":1:1: duration: required field is missing\n" + bad + ":1:1: cluster: required field is missing"
	if errText(err) != want || string(src) != "name: x\n" {
		t.Errorf("Load(bad file) = %q, %v; want the source and\n%s", src, err, want)
	}

	s, src, err = Load("baseline")
	if b, _ := BuiltinSource("baseline"); err != nil || s.Name != "baseline" || string(src) != string(b) {
		t.Errorf("Load(baseline) = %v, %v", s, err)
	}

	// A path wins over a built-in of the same name.
	s, _, err = Load(shadow)
	if err != nil || s.Name != "shadow" {
		t.Errorf("Load(%s) = %v, %v; want the file", shadow, s, err)
	}

	_, _, err = Load("no-such-scenario")
	want = `scenarios: "no-such-scenario" is neither a file nor a built-in scenario (built-ins: ` + strings.Join(Builtins(), ", ") + ")"
	if errText(err) != want {
		t.Errorf("got %q, want %q", errText(err), want)
	}

	_, _, err = Load(dir)
	if !strings.Contains(errText(err), "is a directory") {
		t.Errorf("Load(dir) = %v, want a directory error", err)
	}
}
