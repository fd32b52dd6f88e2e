package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML is what CI systems (GitHub Actions, GitLab, Jenkins) read test results from:
// a run's expectations, or a hunt's properties, become test cases, so a failure shows in
// the CI's test view with its explanation and the command that reproduces it.

// JUnitSuite is one <testsuite>: a run, or a hunt.
type JUnitSuite struct {
	Name    string
	Seconds float64
	// Properties are name/value pairs shown with the suite (seed, build, bugs), in order.
	Properties [][2]string
	Cases      []JUnitCase
}

// JUnitCase is one <testcase>. At most one of Failure, Error and Skipped is set: the
// message of a failed expectation, a run the harness could not complete, or a checker
// limit (skipped: it proves neither way). Text is the body shown under the message.
type JUnitCase struct {
	Name, Class             string
	Failure, Error, Skipped string
	Text                    string
}

// ExpectationCases are a judged run's expectations as test cases; a failure's text ends
// with the command that reproduces the run.
func ExpectationCases(sum Summary, repro string) []JUnitCase {
	var out []JUnitCase
	for _, x := range sum.Expectations {
		c := JUnitCase{Name: x.Name, Class: sum.Scenario}
		text := x.Detail
		if len(sum.Bugs) > 0 {
			text += "\nbugs planted in the nodes of this run: " + strings.Join(sum.Bugs, ", ")
		}
		text += "\nreproduce: " + repro
		switch {
		case x.Undecided:
			c.Skipped, c.Text = "the checker reached its limit: "+x.Detail, text
		case !x.OK:
			c.Failure, c.Text = x.Detail, text
		}
		out = append(out, c)
	}
	return out
}

// RunSuite is a judged run as a suite.
func RunSuite(sum Summary, repro string) JUnitSuite {
	props := [][2]string{{"scenario", sum.Scenario}, {"seed", fmt.Sprint(sum.Seed)}, {"guest_build", sum.Build}, {"reproduce", repro}}
	if len(sum.Bugs) > 0 {
		props = append(props, [2]string{"bugs", strings.Join(sum.Bugs, ",")})
	}
	return JUnitSuite{Name: fmt.Sprintf("consim run %s seed %d", sum.Scenario, sum.Seed), Seconds: sum.WallSeconds,
		Properties: props, Cases: ExpectationCases(sum, repro)}
}

type xmlSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Skipped  int        `xml:"skipped,attr"`
	Suites   []xmlSuite `xml:"testsuite"`
}

type xmlSuite struct {
	Name       string        `xml:"name,attr"`
	Tests      int           `xml:"tests,attr"`
	Failures   int           `xml:"failures,attr"`
	Errors     int           `xml:"errors,attr"`
	Skipped    int           `xml:"skipped,attr"`
	Time       string        `xml:"time,attr"`
	Properties *xmlProps     `xml:"properties"`
	Cases      []xmlTestCase `xml:"testcase"`
}

type xmlProps struct {
	Props []xmlProp `xml:"property"`
}

type xmlProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type xmlTestCase struct {
	Name    string      `xml:"name,attr"`
	Class   string      `xml:"classname,attr"`
	Failure *xmlMessage `xml:"failure"`
	Error   *xmlMessage `xml:"error"`
	Skipped *xmlMessage `xml:"skipped"`
}

type xmlMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes the suites as one JUnit XML document. encoding/xml escapes every
// string: names and details come from scenarios and nodes.
func WriteJUnit(w io.Writer, suites ...JUnitSuite) error {
	doc := xmlSuites{}
	for _, s := range suites {
		xs := xmlSuite{Name: s.Name, Tests: len(s.Cases), Time: fmt.Sprintf("%.3f", s.Seconds)}
		if len(s.Properties) > 0 {
			xs.Properties = &xmlProps{}
			for _, p := range s.Properties {
				xs.Properties.Props = append(xs.Properties.Props, xmlProp{p[0], p[1]})
			}
		}
		for _, c := range s.Cases {
			xc := xmlTestCase{Name: c.Name, Class: c.Class}
			switch {
			case c.Error != "":
				xc.Error, xs.Errors = &xmlMessage{c.Error, c.Text}, xs.Errors+1
			case c.Failure != "":
				xc.Failure, xs.Failures = &xmlMessage{c.Failure, c.Text}, xs.Failures+1
			case c.Skipped != "":
				xc.Skipped, xs.Skipped = &xmlMessage{c.Skipped, c.Text}, xs.Skipped+1
			}
			xs.Cases = append(xs.Cases, xc)
		}
		doc.Tests += xs.Tests
		doc.Failures += xs.Failures
		doc.Errors += xs.Errors
		doc.Skipped += xs.Skipped
		doc.Suites = append(doc.Suites, xs)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
