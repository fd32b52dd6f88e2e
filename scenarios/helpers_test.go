package scenarios

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// baseDoc is the smallest valid scenario; rule tests replace or add sections of it.
const baseDoc = `name: t
duration: 10s
cluster:
  servers: 3
`

// withBase returns baseDoc with the top-level sections of fragment replacing those of
// the same key, and the fragment's other sections appended. A section written as
// "KEY: OMIT" removes KEY. Base sections come first, in their order, then the fragment's.
func withBase(fragment string) string { return mergeSections(baseDoc, fragment) }

// mergeSections returns base with the top-level sections of fragment merged in, as
// withBase does.
func mergeSections(base, fragment string) string {
	frag := splitSections(fragment)
	var b strings.Builder
	for _, sec := range splitSections(base) {
		if _, replaced := findSection(frag, sec.key); !replaced {
			b.WriteString(sec.text)
		}
	}
	for _, sec := range frag {
		if strings.TrimSpace(sec.text) != sec.key+": OMIT" {
			b.WriteString(sec.text)
		}
	}
	return b.String()
}

type section struct{ key, text string }

func splitSections(doc string) []section {
	var secs []section
	for _, line := range strings.SplitAfter(doc, "\n") {
		if line == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '#' && line[0] != '-' {
			key, _, _ := strings.Cut(line, ":")
			secs = append(secs, section{key: key})
		}
		if len(secs) == 0 {
			secs = append(secs, section{})
		}
		secs[len(secs)-1].text += line
	}
	return secs
}

func findSection(secs []section, key string) (section, bool) {
	for _, s := range secs {
		if s.key == key {
			return s, true
		}
	}
	return section{}, false
}

// errText returns err's text, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// checkGolden compares got with the golden file, or rewrites it under -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update and review the diff)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// ruleCase is one scenario fragment (added to a minimal valid file by withBase) and the
// exact errors it must give ("" for none).
type ruleCase struct {
	name, fragment, want string
}

// checkRuleCases parses each case, compares its errors, and for an accepted file checks
// that Validate agrees and that the canonical form round-trips.
func checkRuleCases(t *testing.T, tests []ruleCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, tt := range tests {
		if seen[tt.name] {
			t.Fatalf("duplicate case name %q", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			doc := withBase(tt.fragment)
			s, err := Parse("t.yaml", []byte(doc))
			if got := errText(err); got != tt.want {
				t.Errorf("file:\n%s\ngot errors:\n%s\nwant:\n%s", doc, got, tt.want)
			}
			if err == nil {
				if s == nil {
					t.Fatal("nil scenario without error")
				}
				if err := s.Validate(); err != nil {
					t.Errorf("Parse accepted the file but Validate says:\n%v", err)
				}
				checkRoundTrip(t, s)
			} else if s != nil {
				t.Errorf("scenario %+v returned with errors", s)
			}
		})
	}
}
