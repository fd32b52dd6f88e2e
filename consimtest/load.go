package consimtest

import (
	"fmt"

	"github.com/consim/consim/scenarios"
)

// Load reads a scenario: a file when nameOrPath names one, else the built-in of that name
// (`consim scenarios` lists them). The scenario is validated and has its defaults applied.
// The error names the file, and for a scenario that does not validate, every problem with
// its line and column.
func Load(nameOrPath string) (*scenarios.Scenario, error) {
	sc, _, err := scenarios.Load(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("consimtest: %w", err)
	}
	return sc, nil
}
