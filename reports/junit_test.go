package reports

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// A run's expectations as JUnit: one case per expectation, a failure with its detail and
// the reproduce line, a checker limit skipped (not failed), counts that add up, and every
// string from a scenario escaped.
func TestJUnitGolden(t *testing.T) {
	sum := Summary{Scenario: "lease-<script>alert(1)</script>", Seed: 3, Build: "abc123", WallSeconds: 2.5,
		Bugs: []string{"stale-as-consistent"},
		Expectations: []Expectation{
			{Name: "liveness: converged", OK: true, Detail: "one leader and every member alive 0.000 s after healing"},
			{Name: "consistent: linearizable", Detail: `not-linearizable: c1 read k1 = "v<2>" & more`},
			{Name: "default: linearizable", Undecided: true, Detail: "unknown: the checker reached its limit on k3"},
		}}
	var b bytes.Buffer
	if err := WriteJUnit(&b, RunSuite(sum, "consim run lease-window --seed 3")); err != nil {
		t.Fatal(err)
	}
	got := b.Bytes()
	if strings.Contains(string(got), "<script>") {
		t.Errorf("a scenario's <script> reached the XML unescaped:\n%s", got)
	}
	var doc xmlSuites
	if err := xml.Unmarshal(got, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, got)
	}
	if doc.Tests != 3 || doc.Failures != 1 || doc.Skipped != 1 || doc.Errors != 0 {
		t.Errorf("counts: tests %d failures %d skipped %d errors %d; want 3, 1, 1, 0", doc.Tests, doc.Failures, doc.Skipped, doc.Errors)
	}
	const golden = "testdata/junit.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("JUnit output differs from %s (go test ./reports -run JUnit -update, then review):\n%s", golden, got)
	}
}
