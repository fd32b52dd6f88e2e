package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/consim/consim/scenarios"
)

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "consim",
		Short: "Deterministic simulation and chaos testing for Serf/Consul-style clusters",
		Long: `consim runs a cluster of real hashicorp/raft and hashicorp/memberlist nodes inside a
simulated world (a wasm guest on a virtual clock, over a virtual network) and reports what
happened. The same scenario and seed always give the same run, byte for byte.

Exit codes: 0 ok, 1 an expectation failed, 2 bad input or usage, 3 harness failure (or a
run stopped at its wall-time limit), 4 undecided: the checker reached its limit.

Shell completion (built-in names, flag values): consim completion bash|zsh|fish|powershell.`,
		Example: `  consim run baseline --seed 7
  consim check out/baseline-seed-1
  consim report out/baseline-seed-1
  consim scenarios
  consim validate my-scenario.yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	root.AddCommand(newRunCmd(stdout, stderr), newBenchCmd(stdout, stderr), newHuntCmd(stdout, stderr), newSweepCmd(stdout, stderr), newCheckCmd(stdout), newReportCmd(stdout), newScenariosCmd(stdout), newValidateCmd(stdout), newSchemaCmd(stdout), newVersionCmd(stdout))
	return root
}

// completeScenario completes a SCENARIO argument: a built-in's name, or a file.
func completeScenario(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return scenarios.Builtins(), cobra.ShellCompDirectiveDefault // and files
}

// completeFormat completes --format.
func completeFormat(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return badInput(fmt.Errorf("%s: want %d %s, got %d\nUsage: %s\nRun '%s --help' for examples.",
				cmd.Name(), n, plural(n, "argument", "arguments"), len(args), cmd.UseLine(), cmd.CommandPath()))
		}
		return nil
	}
}
