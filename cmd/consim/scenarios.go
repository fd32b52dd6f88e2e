package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/consim/consim/scenarios"
)

func newScenariosCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "scenarios",
		Short:   "List the built-in scenarios",
		Example: "  consim scenarios\n  consim run baseline",
		Args:    exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tNODES\tDURATION\tDESCRIPTION")
			for _, name := range scenarios.Builtins() {
				sc, _, err := scenarios.Load(name)
				if err != nil {
					return fmt.Errorf("built-in scenario %s is broken: %w", name, err)
				}
				fmt.Fprintf(tw, "%s\t%ds+%dc\t%s\t%s\n", sc.Name, sc.Cluster.Servers, sc.Cluster.Clients, sc.Duration, firstSentence(sc.Description))
			}
			return tw.Flush()
		},
	}
}

// firstSentence keeps the listing to one line a scenario; `consim validate` and the file
// itself have the rest.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
