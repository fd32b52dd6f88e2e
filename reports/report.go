package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/reports/plot"
	"github.com/consim/consim/scenarios"
)

// ReportFile is the name of the run report in a run directory.
const ReportFile = "report.html"

//go:embed report.html.tmpl
var reportTemplate string

// reportPage is the template of report.html. html/template escapes every string that
// reaches the page (the scenario's name and description, node names, values read,
// anomaly explanations): only the figures' SVG, which vgsvg escaped, goes in as markup.
var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{"effect": faultEffect, "deref": func(p *float64) float64 { return *p }}).Parse(reportTemplate))

// WriteReport writes report.html, the page a person reads after a run: the verdicts
// and every expectation, a timeline of the run (faults, leaders, crashes, membership),
// latency and throughput over virtual time with the fault windows shaded, the anomalies
// in words linked to their operations in the linearizability views, lost writes and
// user-event delivery. It is self-contained (inline CSS and SVG, no script, nothing
// fetched) and a pure function of its inputs: the same run gives the same bytes, the
// wall time recorded in sum aside. docs/report.md describes it.
//
// Hooks for tests (a browser test checks them): each plot is a
// <figure class="plot" id="plot-ID" data-fault-bands="N"> (plot.Figure.HTML), the
// timeline's ID is "timeline"; each verdict is an element with class "verdict" and
// data-mode="MODE" holding the verdict's text; each expectation an <li> with class
// "expect" and data-ok="true|false".
func WriteReport(w io.Writer, sc *scenarios.Scenario, run *checker.Run, sum Summary) error {
	d, err := newReportData(sc, run, sum)
	if err != nil {
		return fmt.Errorf("reports: report: %w", err)
	}
	var b bytes.Buffer
	if err := reportPage.Execute(&b, d); err != nil {
		return fmt.Errorf("reports: report: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// reportData is what the template reads.
type reportData struct {
	Sum         Summary
	Description string
	Files       []string
	Verdicts    []verdictRow
	Expect      []expectRow
	Timeline    plot.Figure
	Faults      []Fault
	Raw, Quant  []plot.Figure
	Throughput  *plot.Figure
	Anomalies   []anomalyGroup
	Staleness   string
	Lost        *checker.LostWritesReport
	LostLinks   []linkedText
	UserEvents  *plot.Figure
	Gossip      string
	Text        string
}

type verdictRow struct {
	Mode, Verdict, Class, View string
	Checked, Anomalies, Limit  string
}

type expectRow struct {
	Expectation
	Status string // ok, FAIL, LIMIT
}

type anomalyGroup struct {
	Mode, Count string
	Items       []linkedText
}

// linkedText is a sentence and the link to the operation it is about.
type linkedText struct{ Text, Link, OpID string }

func newReportData(sc *scenarios.Scenario, run *checker.Run, sum Summary) (*reportData, error) {
	d := &reportData{Sum: sum, Files: []string{"events.jsonl", "summary.json", "scenario.yaml"}}
	if sc != nil {
		d.Description = sc.Description
	}
	for _, m := range sortedModes(sum.Verdicts) {
		d.Files = append(d.Files, ViewFile(m))
		d.Verdicts = append(d.Verdicts, verdictFor(sum, m))
		if a := sum.Anomalies[m]; a != nil && len(a.Examples) > 0 {
			g := anomalyGroup{Mode: m, Count: anomalyCount(a)}
			if a.Count > len(a.Examples) {
				g.Count += fmt.Sprintf(" anomalies, the first %d explained", len(a.Examples))
			} else {
				g.Count += " " + plural(a.Count, "anomaly", "anomalies")
			}
			for _, x := range a.Examples {
				g.Items = append(g.Items, linkedText{Text: x.Explanation, Link: ViewLink(m, x.OpID), OpID: x.OpID})
			}
			d.Anomalies = append(d.Anomalies, g)
		}
	}
	for _, x := range sum.Expectations {
		r := expectRow{Expectation: x, Status: "ok"}
		if x.Undecided {
			r.Status = "LIMIT"
		} else if !x.OK {
			r.Status = "FAIL"
		}
		d.Expect = append(d.Expect, r)
	}
	if st := sum.Staleness; st != nil && st.Reads > 0 {
		d.Staleness = fmt.Sprintf("%d of %d stale reads were behind; versions behind p50/p99/max %g/%g/%g, milliseconds behind %g/%g/%g.",
			st.Behind, st.Reads, st.VersionsBehind.P50, st.VersionsBehind.P99, st.VersionsBehind.Max,
			st.MSBehind.P50, st.MSBehind.P99, st.MSBehind.Max)
	}
	d.Faults = sum.Faults
	if lw := sum.LostWrites; lw != nil {
		d.Lost = lw
		view := writesView(sum)
		for _, l := range lw.Lost {
			t := linkedText{Text: l.Explanation, OpID: l.OpID}
			if view != "" {
				t.Link = ViewLink(view, l.OpID)
			}
			d.LostLinks = append(d.LostLinks, t)
		}
	}
	var b strings.Builder
	writeGossip(&b, sum)
	d.Gossip = strings.TrimSpace(b.String())
	b.Reset()
	WriteText(&b, sum)
	d.Text = b.String()

	end := runEnd(run)
	bands := faultBands(run, end)
	var err error
	if d.Timeline, err = timeline(run, bands, end); err != nil {
		return nil, err
	}
	if len(run.Ops) > 0 {
		lo, hi := latencyRange(run.Ops)
		groups := opGroups(run.Ops)
		most := 0
		for _, g := range groups {
			most = max(most, len(g.ops))
		}
		w := bucketWidth(end, most) // one width for every panel, so that they line up
		for _, g := range groups {
			raw, err := latencyRaw(g, bands, end, lo, hi)
			if err != nil {
				return nil, err
			}
			q, err := latencyQuantiles(g, w, bands, end, lo, hi)
			if err != nil {
				return nil, err
			}
			d.Raw, d.Quant = append(d.Raw, raw), append(d.Quant, q)
		}
		tp, err := throughput(run.Ops, bands, end)
		if err != nil {
			return nil, err
		}
		d.Throughput = &tp
	}
	if d.UserEvents, err = userEventCDF(run); err != nil {
		return nil, err
	}
	return d, nil
}

// verdictFor is the verdict row of mode m.
func verdictFor(sum Summary, m string) verdictRow {
	v := verdictRow{Mode: m, Verdict: sum.Verdicts[m], View: ViewFile(m)}
	switch v.Verdict {
	case checker.Linearizable:
		v.Class = "ok"
	case checker.VerdictUnknown:
		v.Class = "limit"
	default:
		v.Class = "bad"
	}
	if a := sum.Anomalies[m]; a != nil {
		v.Checked = fmt.Sprintf("%s, %s", count(a.CheckedReads, "read"), count(a.CheckedWrites, "write"))
		v.Anomalies = anomalyCount(a)
		if len(a.UnknownKeys) > 0 {
			v.Limit = checkLimit(a)
		}
	}
	return v
}

// anomalyCount says how many anomalies a mode has.
func anomalyCount(a *ModeAnomalies) string {
	s := fmt.Sprint(a.Count)
	if a.AtLeast {
		s = "at least " + s
	}
	return s
}

// writesView is the linearizability view a write is linked to: every view holds every
// write; the consistent one first.
func writesView(sum Summary) string {
	for _, m := range []string{"consistent", "default", "stale"} {
		if _, ok := sum.Verdicts[m]; ok {
			return m
		}
	}
	if ms := sortedModes(sum.Verdicts); len(ms) > 0 {
		return ms[0]
	}
	return ""
}
