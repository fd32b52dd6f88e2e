package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/consim/consim/scenarios"
)

func newValidateCmd(stdout io.Writer) *cobra.Command {
	var schedule bool
	cmd := &cobra.Command{
		Use:   "validate SCENARIO",
		Short: "Check a scenario file (or built-in) and report every problem with its line",
		Long: `Check a scenario file (or built-in) and report every problem with its line.

With --schedule, also print what the scenario will do and when: every action, every
firing of every fault (repetitions and sequence steps one by one) with when it ends and
what ends it, and what each heal ends. The world runs exactly this schedule; what only
the run decides (which node "leader" names, a nemesis's draws) is said as such.`,
		Example: `  consim validate my-scenario.yaml
  consim validate baseline
  consim validate lease-window --schedule`,
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
			if schedule {
				fmt.Fprintf(stdout, "\n%s", sc.Schedule().Text(sc))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&schedule, "schedule", false, "also print the schedule: what fires when, and what ends it")
	return cmd
}
