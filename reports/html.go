package reports

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/consim/consim/checker"
)

// The view's own style and script, wrapped around porcupine's page (view.go's wrap).
var (
	//go:embed view/view.css
	viewCSS string
	//go:embed view/view.js
	viewJS string
)

// WriteHTML writes the linearizability view of one read mode: porcupine's interactive view
// of the mode's history (every write plus that mode's reads, one lane per client,
// partitioned by key), wrapped in a page that says what it shows: a header with the
// scenario, the verdict, the anomalies in words (each a link to its operation) and the
// expectation; lanes named by client; a time axis in virtual seconds; fault windows as
// bands across the lanes; leaders elected and nodes going down and up; an overview of the
// whole run to move around in. The page scrolls to and marks the operation named by its
// fragment "#op=OPID" (ViewLink). It searches with the check timeout the verdicts had
// (sum.CheckTimeoutSeconds), so the page and the verdict agree.
func WriteHTML(w io.Writer, run *checker.Run, sum Summary, mode string) error {
	timeout := time.Duration(sum.CheckTimeoutSeconds * float64(time.Second))
	v := checker.LinearizationView(run, mode, timeout)
	page := newViewPage(run, sum, mode, v)
	v.Info.AddAnnotations(page.anchors())
	var raw bytes.Buffer
	if err := porcupine.Visualize(v.Model, v.Info, &raw); err != nil {
		return fmt.Errorf("reports: html view of %s: %w", mode, err)
	}
	var head bytes.Buffer
	if err := newViewHeader(sum, mode, timeout).write(&head); err != nil {
		return err
	}
	// encoding/json escapes <, > and & in strings, so nothing in the data can end the
	// script element it sits in.
	data, err := json.Marshal(page)
	if err != nil {
		return fmt.Errorf("reports: html view of %s: %w", mode, err)
	}
	title := fmt.Sprintf("%s reads of %s, seed %d: %s", mode, sum.Scenario, sum.Seed, sum.Verdicts[mode])
	out, err := wrap(raw.Bytes(), pageParts{
		title: html.EscapeString(title),
		css:   viewCSS,
		body:  head.String() + `<script type="application/json" id="cv-data">` + string(data) + "</script>\n",
		js:    viewJS,
	})
	if err != nil {
		return fmt.Errorf("reports: html view of %s: %w", mode, err)
	}
	_, err = w.Write(out)
	return err
}
