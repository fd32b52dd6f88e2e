package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed view/header.html
var headerHTML string

// headerTmpl is the view's header: html/template escapes every value (a scenario name, a
// fault, an explanation may hold anything).
var headerTmpl = template.Must(template.New("header").Parse(headerHTML))

// viewHeader is what the header says, each field one sentence or phrase, in words.
type viewHeader struct {
	Scenario, Mode, Bugs string
	Seed                 uint64
	// VerdictClass styles the verdict (ok, bad, unknown); VerdictWords is the verdict in
	// words, VerdictMore what follows it (how many anomalies).
	VerdictClass, VerdictWords, VerdictMore string
	Checked                                 string
	Expectation, ExpectationHeld            string
	Anomalies                               []headerAnomaly
	Unexplained, UnknownKeys                string
}

type headerAnomaly struct {
	OpID, Call, Explanation string
	Href                    template.URL // "#op=..." as ViewLink writes it, query-escaped there
}

// newViewHeader says the verdict of mode, its anomalies and the expectation on it.
func newViewHeader(sum Summary, mode string, timeout time.Duration) viewHeader {
	h := viewHeader{Scenario: sum.Scenario, Mode: mode, Seed: sum.Seed, Bugs: strings.Join(sum.Bugs, ", ")}
	verdict := sum.Verdicts[mode]
	a := sum.Anomalies[mode]
	switch verdict {
	case "linearizable":
		h.VerdictClass, h.VerdictWords = "ok", "linearizable"
		h.VerdictMore = ": one order of all the operations explains every answer."
	case "not-linearizable":
		h.VerdictClass, h.VerdictWords = "bad", "not linearizable"
		if a != nil {
			more := ""
			if a.AtLeast {
				more = "at least "
			}
			h.VerdictMore = fmt.Sprintf(": %s%d %s, answers that no single order of all the operations can explain.", more, a.Count, plural(a.Count, "anomaly", "anomalies"))
		}
	default:
		h.VerdictClass, h.VerdictWords = "unknown", verdict
		h.VerdictMore = ": the checker ran out of time before it could decide."
	}
	if a != nil {
		h.Checked = fmt.Sprintf("Checked %d %s and %d %s; each key searched for up to %s.",
			a.CheckedReads, plural(a.CheckedReads, mode+" read", mode+" reads"), a.CheckedWrites, plural(a.CheckedWrites, "write", "writes"), timeout)
		for _, x := range a.Examples {
			h.Anomalies = append(h.Anomalies, headerAnomaly{OpID: x.OpID, Call: fmt.Sprintf("%.3f s", x.Call),
				Explanation: x.Explanation, Href: template.URL("#" + opFragment(x.OpID))})
		}
		if n := a.Count - len(a.Examples); n > 0 || a.AtLeast {
			h.Unexplained = fmt.Sprintf("%d more not explained here (the run keeps %d examples a mode): they are the red points in the lanes.", n, maxExamples)
			if a.AtLeast {
				h.Unexplained = "There may be more, not explained here (the checker stopped explaining): they are the red points in the lanes."
			}
		}
		if len(a.UnknownKeys) > 0 {
			h.UnknownKeys = fmt.Sprintf("Undecided: the search of %s ran out of its %s; those keys are drawn as far as it got.",
				strings.Join(a.UnknownKeys, ", "), time.Duration(a.KeyTimeoutSeconds*float64(time.Second)))
		}
	}
	for _, x := range sum.Expectations {
		if strings.HasPrefix(x.Name, mode+": ") {
			h.Expectation = x.Name
			switch {
			case x.OK:
				h.ExpectationHeld = "held"
			case x.Undecided:
				h.ExpectationHeld = "undecided"
			default:
				h.ExpectationHeld = "FAILED"
			}
		}
	}
	return h
}

func (h viewHeader) write(w io.Writer) error {
	if err := headerTmpl.Execute(w, h); err != nil {
		return fmt.Errorf("reports: view header: %w", err)
	}
	return nil
}
