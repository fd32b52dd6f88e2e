package node_test

import (
	"slices"
	"testing"

	"github.com/consim/consim/node"
	"github.com/consim/consim/scenarios"
)

// The node plants every bug a scenario may name except fsync-lies, which is the disk's,
// under the same names.
func TestBugNamesMatchScenarios(t *testing.T) {
	b, rest := node.ParseBugs(scenarios.Bugs)
	if !slices.Equal(rest, []string{scenarios.BugFsyncLies}) {
		t.Errorf("names the node does not plant: %v, want only %s", rest, scenarios.BugFsyncLies)
	}
	if !slices.Equal(b.Names(), node.BugNames()) {
		t.Errorf("scenario names plant %v, want all of %v", b.Names(), node.BugNames())
	}
}
