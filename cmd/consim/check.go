package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/consim/consim/reports"
	"github.com/consim/consim/scenarios"
	"github.com/consim/consim/sim/event"
)

func newCheckCmd(stdout io.Writer) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "check DIR",
		Short: "Re-derive a saved run's summary, verdicts and expectations from its event stream",
		Long: `Read DIR/events.jsonl and DIR/scenario.yaml (as consim run wrote them), derive the
summary, the verdicts and the expectations again from the stream alone, print them, and
compare them with DIR/summary.json if it is there. Nothing is re-run. Exit 1 when an
expectation fails or the saved summary disagrees.`,
		Example: "  consim run baseline --out /tmp/run1\n  consim check /tmp/run1",
		Args:    exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return badInput(fmt.Errorf("--format %q: want text or json", format))
			}
			return checkRun(args[0], format, stdout)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "summary on stdout: text or json")
	return cmd
}

func checkRun(dir, format string, stdout io.Writer) error {
	stream, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		return badInput(fmt.Errorf("%s is not a run directory: %w", dir, err))
	}
	events, err := event.Decode(stream)
	if err != nil {
		return badInput(fmt.Errorf("%s: %w", filepath.Join(dir, "events.jsonl"), err))
	}
	scPath := filepath.Join(dir, "scenario.yaml")
	src, err := os.ReadFile(scPath)
	if err != nil {
		return badInput(fmt.Errorf("%s is not a run directory: %w", dir, err))
	}
	sc, err := scenarios.Parse(scPath, src)
	if err != nil {
		return badInput(err)
	}
	sum := reports.Judge(sc, events, stream, 0)
	if format == "json" {
		stdout.Write(sum.JSON())
	} else {
		reports.WriteText(stdout, sum)
	}
	if err := compareSaved(dir, sum, stdout, format == "text"); err != nil {
		return err
	}
	return expectationsHeld(sum, "consim run "+scPath)
}

// compareSaved checks the re-derived summary against DIR/summary.json: everything but the
// wall-time figures, which a saved stream cannot know, must agree.
func compareSaved(dir string, sum reports.Summary, stdout io.Writer, say bool) error {
	saved, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var old reports.Summary
	if err := json.Unmarshal(saved, &old); err != nil {
		return badInput(fmt.Errorf("%s: %w", filepath.Join(dir, "summary.json"), err))
	}
	old.WallSeconds, old.Speedup = 0, 0
	if !bytes.Equal(old.JSON(), sum.JSON()) {
		return &exitError{code: exitExpected, err: fmt.Errorf("%s disagrees with what the stream gives now (was it written by another consim version, or edited?)", filepath.Join(dir, "summary.json"))}
	}
	if say {
		fmt.Fprintf(stdout, "check      matches %s\n", filepath.Join(dir, "summary.json"))
	}
	return nil
}
