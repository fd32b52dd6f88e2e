package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/consim/consim/consimtest"
	"github.com/consim/consim/reports"
)

func newReportCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "report DIR",
		Short: "Redraw a saved run's report.html and linearizability views from its event stream",
		Long: `Read DIR/events.jsonl and DIR/scenario.yaml (as consim run wrote them), judge the
run again from the stream alone, and write DIR/report.html and, per read mode, DIR/
linearizability-MODE.html (docs/report.md). Nothing is re-run, and no other file of DIR
changes. The wall time shown is DIR/summary.json's when that file records this very
stream. Exit 0 when the pages are written, whatever the verdicts (consim check judges).`,
		Example: "  consim run lease-window --out /tmp/lw\n  consim report /tmp/lw",
		Args:    exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return reportRun(args[0], stdout)
		},
	}
}

func reportRun(dir string, stdout io.Writer) error {
	saved, err := loadRunDir(dir)
	if err != nil {
		return err
	}
	sum := reports.Judge(saved.scenario, saved.run, saved.stream, 0)
	sum.WallSeconds, sum.Speedup = savedWall(dir, sum.StreamSHA256)
	pages, err := reports.Pages(saved.scenario, saved.run, sum)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := consimtest.WriteFile(path, pages[name]); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		fmt.Fprintf(stdout, "wrote      %s\n", path)
	}
	return nil
}

// savedWall is the wall time and speed-up DIR/summary.json recorded, when it recorded
// the stream whose hash is sha: a stream alone does not know how long it took to make.
// Zero otherwise (the page then says nothing of wall time).
func savedWall(dir, sha string) (float64, float64) {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return 0, 0
	}
	var old reports.Summary
	if json.Unmarshal(b, &old) != nil || old.StreamSHA256 != sha {
		return 0, 0
	}
	return old.WallSeconds, old.Speedup
}
