package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/consim/consim/scenarios/schema"
)

func newSchemaCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of scenario files, for editors",
		Long: `schema prints the JSON Schema (draft 2020-12) of scenario files, generated from the Go
types that consim parses them into: every field with its description, enums, ranges and
duration text. Editors with a YAML language server use it to complete and check scenario
files as they are written. The schema checks each value; consim validate checks the
scenario as a whole (nodes that exist, faults that contradict each other).`,
		Example: `  consim schema > scenario.schema.json
  # then, on the first line of a scenario file:
  # yaml-language-server: $schema=scenario.schema.json`,
		Args: exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			out, err := schema.Generate()
			if err != nil {
				return err // a bug in the types or the generator: a harness failure
			}
			_, err = stdout.Write(out)
			return err
		},
	}
}
