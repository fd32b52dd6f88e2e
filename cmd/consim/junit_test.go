package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// junitDoc is what a CI system reads of a JUnit file.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// --junit writes one test case per expectation; the failed one carries its detail and
// the line that reproduces the run.
func TestRunJUnit(t *testing.T) {
	needGuest(t)
	file := filepath.Join(t.TempDir(), "reports", "junit.xml")
	d := consimRun(t, "testdata/expect-fail.yaml", "--junit", file)
	if d.code != exitExpected {
		t.Fatalf("want exit 1: %s", d.result)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b)
	}
	if doc.Tests != 3 || doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 3 {
		t.Fatalf("want 3 cases, 1 failed, in one suite:\n%s", b)
	}
	for _, c := range doc.Suites[0].Cases {
		if c.Name != "converge_within: 1ms" {
			if c.Failure != nil {
				t.Errorf("%s failed:\n%s", c.Name, b)
			}
			continue
		}
		if c.Failure == nil || !strings.Contains(c.Failure.Message, "converged only at") ||
			!strings.Contains(c.Failure.Text, "reproduce: consim run testdata/expect-fail.yaml --seed 1") {
			t.Errorf("the failed case lacks its detail or the reproduce line:\n%s", b)
		}
	}
}
