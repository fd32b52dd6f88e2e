package consimtest

import (
	"context"
	"crypto/sha256"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/scenarios/gen"
)

// propertyChecks is how many generated scenarios TestProperties runs: a few in `make
// test`, CONSIM_PROPERTY_CHECKS in `make properties`.
func propertyChecks(t *testing.T) int {
	if v := os.Getenv("CONSIM_PROPERTY_CHECKS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CONSIM_PROPERTY_CHECKS=%q: want a positive number", v)
		}
		return n
	}
	return 4
}

// With no bug planted, every property holds on generated scenarios. rapid's seed is fixed
// (unless -rapid.seed says otherwise), so CI runs the same scenarios every time; a
// failure leaves the shrunk scenario in testdata/failing/.
func TestProperties(t *testing.T) {
	if testing.Short() {
		t.Skip("runs generated scenarios")
	}
	setRapidFlag(t, "rapid.checks", strconv.Itoa(propertyChecks(t)))
	if flag.Lookup("rapid.seed").Value.String() == "0" {
		setRapidFlag(t, "rapid.seed", "1")
	}
	rapid.Check(t, Property(PropertyOptions{File: filepath.Join("testdata", "failing", t.Name()+".yaml")}))
}

// setRapidFlag sets one of rapid's flags for this test.
func setRapidFlag(t *testing.T, name, value string) {
	f := flag.Lookup(name)
	old := f.Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flag.Set(name, old) })
}

// A hunt with a planted bug finds a failure, writes it to a file, and the file replays
// the same failure on its own, twice, byte for byte.
func TestHuntShrinksAPlantedBugToAFileThatReplays(t *testing.T) {
	if testing.Short() {
		t.Skip("runs generated scenarios")
	}
	file := filepath.Join(t.TempDir(), "failing.yaml")
	found, err := Hunt(context.Background(), HuntOptions{
		Gen: gen.Options{Bugs: []string{scenarios.BugStaleAsConsistent}, MaxServers: 5, MaxClients: -1, MaxDuration: 15 * time.Second},
		// How shrinking simplifies is TestShrinkingSimplifies' (scenarios/gen), on draws
		// alone; here, a shrink with no time left keeps the test short and still writes the
		// failing scenario through the final replay.
		Checks: 20, Seed: 1, File: file, ShrinkTime: time.Nanosecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == nil {
		t.Fatal("20 generated scenarios with stale-as-consistent planted: no property failed")
	}
	if found.ReplayErr != nil || len(found.Replay.Failed()) == 0 {
		t.Fatalf("the file does not replay the failure: %v", found.ReplayErr)
	}
	sc, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sc.Bugs, []string{scenarios.BugStaleAsConsistent}) {
		t.Errorf("the file plants %v", sc.Bugs)
	}
	again, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(again.Stream) != sha256.Sum256(found.Replay.Stream) {
		t.Error("two runs of the file differ")
	}
	if names(again.Failed()) != names(found.Replay.Failed()) {
		t.Errorf("the replays fail differently: %s, then %s", names(found.Replay.Failed()), names(again.Failed()))
	}
	t.Logf("found at check %d, %d runs in all; %d fault(s), %d servers, %s: %s",
		found.Checks, found.Runs, len(sc.Faults), sc.Cluster.Servers, sc.Duration, names(again.Failed()))
}

func names(xs []reports.Expectation) string {
	var s string
	for _, x := range xs {
		s += x.Name + "; "
	}
	return s
}
