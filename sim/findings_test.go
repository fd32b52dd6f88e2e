package sim_test

import (
	"path/filepath"
	"testing"

	"github.com/consim/consim/reports"
)

// Every scenario in testdata/findings is a failure a hunt once found in consim's node
// with no bug planted, kept as the hunt shrank it (its comments say what it was and what
// fixed it): each must now run to the end and meet every expectation it carries.
func TestFindingsStayFixed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the guest")
	}
	files, err := filepath.Glob("testdata/findings/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no findings: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			sc := builtin(t, file)
			sum := mustJudge(t, sc, sc.Seed)
			for _, x := range reports.Failed(sum.Expectations) {
				t.Errorf("%s: %s", x.Name, x.Detail)
			}
		})
	}
}
