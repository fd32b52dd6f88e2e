package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/consim/consim/reports"
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
	cmd.RegisterFlagCompletionFunc("format", completeFormat)
	return cmd
}

func checkRun(dir, format string, stdout io.Writer) error {
	saved, err := loadRunDir(dir)
	if err != nil {
		return err
	}
	sum := reports.Judge(saved.scenario, saved.run, saved.stream, 0)
	scPath := filepath.Join(dir, "scenario.yaml")
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
// wall-time figures, which a saved stream cannot know, must agree. A difference names the
// fields that differ; a stream that changed since the run is said as such.
func compareSaved(dir string, sum reports.Summary, stdout io.Writer, say bool) error {
	path := filepath.Join(dir, "summary.json")
	saved, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if say {
			fmt.Fprintf(stdout, "check      nothing compared: %s has no summary.json (the above is derived from the stream alone)\n", dir)
		}
		return nil
	}
	if err != nil {
		return err
	}
	var old reports.Summary
	if err := json.Unmarshal(saved, &old); err != nil {
		return badInput(fmt.Errorf("%s: %w", path, err))
	}
	if old.StreamSHA256 != "" && old.StreamSHA256 != sum.StreamSHA256 {
		return &exitError{code: exitExpected, err: fmt.Errorf("%s has changed since the run: its sha256 is %s, and %s recorded %s; what is above is the changed stream's",
			filepath.Join(dir, "events.jsonl"), sum.StreamSHA256, path, old.StreamSHA256)}
	}
	old.WallSeconds, old.Speedup = 0, 0
	diffs := jsonDiff(old.JSON(), sum.JSON())
	if len(diffs) > 0 {
		why := "edited?"
		if old.Version != sum.Version {
			why = fmt.Sprintf("written by consim %s; this is %s", old.Version, sum.Version)
		}
		if len(diffs) > maxDiffs {
			diffs = append(diffs[:maxDiffs], fmt.Sprintf("and %d more", len(diffs)-maxDiffs))
		}
		return &exitError{code: exitExpected, err: fmt.Errorf("%s disagrees with what the stream gives now (%s):\n  %s", path, why, strings.Join(diffs, "\n  "))}
	}
	if say {
		fmt.Fprintf(stdout, "check      matches %s\n", path)
	}
	return nil
}

// maxDiffs bounds the differences a disagreement lists.
const maxDiffs = 8

// jsonDiff lists where two JSON documents differ, one line each: "verdicts.default: saved
// "linearizable", now "not-linearizable"", in document order.
func jsonDiff(a, b []byte) []string {
	var va, vb any
	json.Unmarshal(a, &va)
	json.Unmarshal(b, &vb)
	var out []string
	var walk func(path string, x, y any)
	walk = func(path string, x, y any) {
		mx, okx := x.(map[string]any)
		my, oky := y.(map[string]any)
		if okx && oky {
			keys := slices.Sorted(maps.Keys(mx))
			for k := range my {
				if _, ok := mx[k]; !ok {
					keys = append(keys, k)
				}
			}
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, mx[k], my[k])
			}
			return
		}
		ax, okx := x.([]any)
		ay, oky := y.([]any)
		if okx && oky && len(ax) == len(ay) {
			for i := range ax {
				walk(fmt.Sprintf("%s[%d]", path, i), ax[i], ay[i])
			}
			return
		}
		if !reflect.DeepEqual(x, y) {
			out = append(out, fmt.Sprintf("%s: saved %s, now %s", path, short(x), short(y)))
		}
	}
	walk("", va, vb)
	return out
}

// short is a JSON value in at most 60 characters.
func short(v any) string {
	if v == nil {
		return "absent"
	}
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}
