package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/consim/consim/scenarios"
)

func newValidateCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "validate SCENARIO",
		Short: "Check a scenario file (or built-in) and report every problem with its line",
		Example: `  consim validate my-scenario.yaml
  consim validate baseline`,
		Args:              exactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(_ *cobra.Command, args []string) error {
			sc, _, err := scenarios.Load(args[0])
			if err != nil {
				return badInput(err)
			}
			fmt.Fprintf(stdout, "%s: ok (scenario %s, %s, %s, %s)\n", args[0], sc.Name,
				plural(sc.Cluster.Servers, "1 server", fmt.Sprintf("%d servers", sc.Cluster.Servers)),
				plural(sc.Cluster.Clients, "1 client", fmt.Sprintf("%d clients", sc.Cluster.Clients)), sc.Duration)
			return nil
		},
	}
}
