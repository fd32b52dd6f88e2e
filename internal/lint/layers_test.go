package lint

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// deps lists every package pkg depends on, transitively (go list -deps), for GOOS/GOARCH
// as env sets them.
func deps(t *testing.T, root, pkg string, env ...string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// ours keeps consim's own packages of ps, without the module prefix.
func ours(ps []string) []string {
	var out []string
	for _, p := range ps {
		if rel, ok := strings.CutPrefix(p, module+"/"); ok {
			out = append(out, rel)
		}
	}
	return out
}

// The packages depend on each other in one direction, the way data flows: the stream
// contract, the network and the disk models depend on nothing of consim's; the node knows
// nothing of the simulation; the checkers read the stream only; the world (the guest)
// links no host-side code. A new import that breaks this fails here, not in review.
func TestLayers(t *testing.T) {
	root := moduleRoot(t)
	mayUse := map[string][]string{ // package -> the consim packages it may depend on
		"event":            {},
		"event/owed":       {"event", "node/serf/filter"},
		"netmodel":         {},
		"diskmodel":        {},
		"cpumodel":         {},
		"node/serf/filter": {},
		"node/kv":          {},
		"node/catalog":     {"node/snapframe"},
		"node/leanhttp":    {},
		"node/session":     {"node/snapframe"},
		"node/snapframe":   {},
		"node/serf":        {"node/serf/filter"},
		"node":             {"node/kv", "node/catalog", "node/leanhttp", "node/session", "node/snapframe", "node/serf", "node/serf/filter"},
		"checker":          {"event", "event/owed", "node/serf/filter"},
		"scenarios":        {"node/serf/filter"},
		"reports/plot":     {}, // plots for any page: knows nothing of runs
		"reports":          {"checker", "event", "event/owed", "scenarios", "node/serf/filter", "reports/plot"},
		"scenarios/gen":    {"scenarios", "node/serf/filter"},
		"sim/native":       {},
		"bench":            {"consimtest", "sim", "sim/native", "sim/runspec", "scenarios", "scenarios/gen", "checker", "reports", "reports/plot", "event", "event/owed", "node/serf/filter"},
		"consimtest":       {"sim", "sim/native", "sim/runspec", "scenarios", "scenarios/gen", "checker", "reports", "reports/plot", "event", "event/owed", "node/serf/filter"},
	}
	for pkg, allowed := range mayUse {
		for _, d := range ours(deps(t, root, "./"+pkg)) {
			if d != pkg && !slices.Contains(allowed, d) {
				t.Errorf("%s depends on %s (may use only %v)", pkg, d, allowed)
			}
		}
	}
	// The guest: the world as built for wasip1 links no host side, and no YAML library: it
	// is given a validated scenario as JSON (scenarios' YAML files are host-only).
	guest := deps(t, root, "./cmd/simworld", "GOOS=wasip1", "GOARCH=wasm")
	for _, d := range guest {
		rel, _ := strings.CutPrefix(d, module+"/")
		for _, host := range []string{"checker", "reports", "sim", "consimtest", "cmd/consim", "scenarios/gen", "pgregory.net/rapid", "github.com/spf13/cobra", "github.com/tetratelabs/wazero", "go.yaml.in/yaml/v3", "gopkg.in/yaml.v3", "gonum.org/v1/plot"} {
			if rel == host || strings.HasPrefix(rel, host+"/") && host != "sim" {
				t.Errorf("the guest (cmd/simworld for wasip1) links %s, which is host-side", d)
			}
		}
	}
}
