package bench

import (
	"os"
	"strings"
	"testing"
)

// docs/bench.md shows the default matrix as --print-matrix prints it, and names every
// flag of the matrix.
func TestDocsShowTheDefaultMatrix(t *testing.T) {
	doc, err := os.ReadFile("../docs/bench.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```yaml\n"+string(DefaultMatrixFile())+"```\n") {
		t.Error("docs/bench.md does not show the default matrix (bench/default-matrix.yaml) as it is")
	}
	for _, field := range []string{"modes", "paths", "ops", "rates", "seeds", "conditions"} {
		if !strings.Contains(string(doc), "| `"+field+"`") {
			t.Errorf("docs/bench.md does not describe the matrix field %s", field)
		}
	}
}
