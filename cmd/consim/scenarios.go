package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/consim/consim/scenarios"
)

func newScenariosCmd(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios, with the fault kinds each fires",
		Long: `List the built-in scenarios: name, cluster, duration, the kinds of fault each fires
(and action it takes), and the first sentence of its description. consim scenarios show
NAME prints one, with the comments that explain it.`,
		Example: "  consim scenarios\n  consim scenarios show lease-window\n  consim run lease-window",
		Args:    exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tNODES\tDURATION\tFAULTS AND ACTIONS\tDESCRIPTION")
			for _, name := range scenarios.Builtins() {
				sc, _, err := scenarios.Load(name)
				if err != nil {
					return fmt.Errorf("built-in scenario %s is broken: %w", name, err)
				}
				fmt.Fprintf(tw, "%s\t%ds+%dc\t%s\t%s\t%s\n", sc.Name, sc.Cluster.Servers, sc.Cluster.Clients, sc.Duration,
					firedKinds(sc), firstSentence(sc.Description))
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(newScenariosShowCmd(stdout))
	return cmd
}

func newScenariosShowCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "show NAME",
		Short:   "Print a built-in scenario's file, comments included",
		Example: "  consim scenarios show lease-window > my-lease-window.yaml",
		Args:    exactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return scenarios.Builtins(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			src, ok := scenarios.BuiltinSource(args[0])
			if !ok {
				_, _, err := scenarios.Load(args[0]) // the error that names the built-ins
				if err == nil {
					err = fmt.Errorf("%s is a file, not a built-in scenario", args[0])
				}
				return badInput(err)
			}
			_, err := stdout.Write(src)
			return err
		},
	}
}

// firedKinds lists the kinds of fault a scenario fires (a sequence's steps; a nemesis with
// the kinds it draws from) and the kinds of action it takes, in a fixed order, or "-".
func firedKinds(sc *scenarios.Scenario) string {
	var kinds []string
	add := func(k string) {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	var fault func(f scenarios.Fault)
	fault = func(f scenarios.Fault) {
		switch {
		case len(f.Sequence) > 0:
			for _, step := range f.Sequence {
				fault(step)
			}
		case f.Nemesis != nil:
			add("nemesis(" + strings.Join(f.Nemesis.Kinds, " ") + ")")
		case f.Proto != "":
			add(f.Kind() + "(" + f.Proto + ")")
		default:
			add(f.Kind())
		}
	}
	for _, f := range sc.Faults {
		fault(f)
	}
	for _, a := range sc.Actions {
		for _, k := range a.Kinds() {
			add(k)
		}
	}
	if len(kinds) == 0 {
		return "-"
	}
	return strings.Join(kinds, ",")
}

// firstSentence keeps the listing to one line a scenario; `consim scenarios show` and the
// file itself have the rest.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
