package scenarios

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// docsBase is the scenario the docs' fragments (yaml blocks without a name) are merged
// into, section by section: a cluster, a workload and a second NIC that every fragment's
// names exist in.
const docsBase = `name: fragment
duration: 2m
cluster: {servers: 5, clients: 5}
network:
  nics:
    - {node: client-1, routes: [server-1, server-2]}
workload: {clients: 2}
`

// TestDocs keeps docs/scenarios.md honest. Every ```yaml block in it that is a whole file
// (it has a top-level name:) must parse, unless the next block shows its errors exactly
// (parsed as example.yaml); every other yaml block (a fragment) must parse merged into
// docsBase; a block right after a text saying "canonical form" must be the canonical
// form of the block before it; and every built-in must be listed.
func TestDocs(t *testing.T) {
	data, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	type block struct{ lang, text, before string }
	var blocks []block
	re := regexp.MustCompile("(?ms)^```(\\w*)\\n(.*?)^```\\n")
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(doc, -1) {
		blocks = append(blocks, block{lang: doc[m[2]:m[3]], text: doc[m[4]:m[5]], before: doc[last:m[0]]})
		last = m[1]
	}
	whole := regexp.MustCompile(`(?m)^name:`)
	checked := 0
	var prev *Scenario
	for i, b := range blocks {
		if b.lang == "yaml" && !whole.MatchString(b.text) {
			if _, err := Parse("fragment.yaml", []byte(mergeSections(docsBase, b.text))); err != nil {
				t.Errorf("docs fragment does not parse (merged into docsBase):\n%s\nerrors:\n%v", b.text, err)
			}
			continue
		}
		if b.lang != "yaml" {
			continue
		}
		checked++
		s, err := Parse("example.yaml", []byte(b.text))
		if err != nil {
			if i+1 >= len(blocks) || blocks[i+1].lang != "" || blocks[i+1].text != err.Error()+"\n" {
				t.Errorf("docs example does not parse and is not followed by its exact errors:\n%s\nerrors:\n%v", b.text, err)
			}
			continue
		}
		if strings.Contains(b.before, "canonical form") && prev != nil {
			if got := string(prev.Canonical()); got != b.text {
				t.Errorf("docs show this canonical form:\n%s\nbut Canonical gives:\n%s", b.text, got)
			}
		}
		prev = s
	}
	if checked < 3 {
		t.Errorf("found only %d whole-file examples in the docs", checked)
	}
	for _, name := range Builtins() {
		if !strings.Contains(doc, "| `"+name+"` |") {
			t.Errorf("built-in %s is not in the docs' table of built-ins", name)
		}
	}
}
