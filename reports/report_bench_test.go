package reports

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"

	"github.com/consim/consim/checker"
	"github.com/consim/consim/event"
	"github.com/consim/consim/scenarios"
)

// BenchmarkReport draws report.html of a real run with thousands of operations: the
// built-in leader-isolation at 4 x 50 requests a second (checker/testdata, 3,397
// operations in 32 s). It reports the page's size.
func BenchmarkReport(b *testing.B) {
	f, err := os.Open("../checker/testdata/leader-isolation-200.jsonl.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	stream, err := io.ReadAll(z)
	if err != nil {
		b.Fatal(err)
	}
	events, err := event.Decode(stream)
	if err != nil {
		b.Fatal(err)
	}
	sc, _, err := scenarios.Load("../checker/testdata/leader-isolation-200.yaml")
	if err != nil {
		b.Fatal(err)
	}
	run := checker.NewRun(events)
	sum := Judge(sc, run, stream, 0)
	var page bytes.Buffer
	b.ResetTimer()
	for b.Loop() {
		page.Reset()
		if err := WriteReport(&page, sc, run, sum); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(page.Len()), "page-bytes")
	b.ReportMetric(float64(len(run.Ops)), "ops")
}
