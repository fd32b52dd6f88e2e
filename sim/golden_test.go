package sim_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consim/consim/internal/testutil"
	"github.com/consim/consim/sim"
	"github.com/consim/consim/sim/runspec"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.txt from the current runs")

// Golden described streams: each scenario in testdata/golden runs at its seed and its whole
// stream, one event per line in event.Describe's form, must equal NAME.txt. A change of
// behaviour then shows as a diff that reads ("-update" rewrites the files; review the diff
// and say in the commit why the behaviour changed). The build and version in run_start are
// left out: they change with every build, not with behaviour.
func TestGoldenStreams(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			sc := builtin(t, file)
			res := runSpec(t, runspec.Spec{Scenario: sc, Seed: sc.Seed}, sim.Options{})
			var b strings.Builder
			for _, ev := range res.Events {
				ev.Build, ev.Version = "", ""
				b.WriteString(ev.Describe() + "\n")
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".txt"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./sim -run TestGoldenStreams -update)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs from the run; first difference:\n%s\n(go test ./sim -run TestGoldenStreams -update rewrites it: review the diff)", golden, testutil.FirstDiff(string(want), got))
			}
		})
	}
}
