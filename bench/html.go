package bench

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/consim/consim/reports/plot"
)

//go:embed report.html.tmpl
var pageTemplate string

// page is the template of report.html. html/template escapes every string that reaches
// the page (the scenario's name, conditions' names and changes, fault specs): only the
// plots' SVG, which vgsvg escaped, goes in as markup.
var page = template.Must(template.New("bench").Funcs(template.FuncMap{
	"join":  func(s []string) string { return strings.Join(s, ", ") },
	"rate":  rate,
	"ms":    msText,
	"rtts":  rtts,
	"total": func(s Stats) int { return s.OK + s.Fail + s.Unknown + s.InFlight },
}).Parse(pageTemplate))

// pageData is what the template reads.
type pageData struct {
	R            *Report
	Rates, Seeds string
	Throughput   *plot.Figure
	ByPath       []plot.Figure
	VsRate       []plot.Figure
}

// HTML returns report.html: the report's plots on one self-contained page (inline CSS and
// SVG, no script, nothing fetched): answered against offered rate for every condition;
// per condition, latency per operation, read mode and path at the lowest rate, and
// latency versus offered rate through the first path. The same report gives the same
// bytes. Each plot is a <figure class="plot" id="plot-ID"> (plot.Figure.HTML).
func (r *Report) HTML() ([]byte, error) {
	d := pageData{R: r, Seeds: seedList(r.Matrix.Seeds)}
	rates := make([]string, len(r.Matrix.Rates))
	for i, rt := range r.Matrix.Rates {
		rates[i] = rate(rt)
	}
	d.Rates = strings.Join(rates, ", ")
	several := len(r.Matrix.Rates) > 1
	if several {
		f, err := r.throughputVsRate()
		if err != nil {
			return nil, fmt.Errorf("bench: report.html: %w", err)
		}
		d.Throughput = &f
	}
	for i, c := range r.Matrix.Conditions {
		f, err := r.latencyByPath(c.Name, r.Matrix.Rates[0], fmt.Sprintf("by-path-%d", i))
		if err != nil {
			return nil, fmt.Errorf("bench: report.html: %w", err)
		}
		d.ByPath = append(d.ByPath, f)
		if several {
			f, err := r.latencyVsRate(c.Name, r.Matrix.Paths[0], fmt.Sprintf("vs-rate-%d", i))
			if err != nil {
				return nil, fmt.Errorf("bench: report.html: %w", err)
			}
			d.VsRate = append(d.VsRate, f)
		}
	}
	var b bytes.Buffer
	if err := page.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("bench: report.html: %w", err)
	}
	return b.Bytes(), nil
}
