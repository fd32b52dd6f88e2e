package filter

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tags := map[string]string{"role": "web-1", "dc": "east"}
	for _, tc := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Nodes: []string{"a", "b"}}, true},
		{Filter{Nodes: []string{"c"}}, false},
		{Filter{Tags: map[string]string{"role": "web-.*"}}, true},
		{Filter{Tags: map[string]string{"role": "web"}}, false}, // anchored: a prefix is not a match
		{Filter{Tags: map[string]string{"role": "web-1", "dc": "east|west"}}, true},
		{Filter{Tags: map[string]string{"zone": ".*"}}, false}, // a missing tag never matches
		{Filter{Nodes: []string{"a"}, Tags: map[string]string{"dc": "west"}}, false},
	} {
		m, err := tc.f.Compile()
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Match("a", tags); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.f, got, tc.want)
		}
	}
	var nilMatcher *Matcher
	if !nilMatcher.Match("x", nil) {
		t.Error("a nil Matcher must select everyone")
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		f    Filter
		want string
	}{
		{Filter{Tags: map[string]string{"role": "("}}, "filter: tag role: error parsing regexp"},
		{Filter{Tags: map[string]string{"": "x"}}, "empty tag name"},
		{Filter{Nodes: []string{""}}, "empty node name"},
		{Filter{Tags: map[string]string{"k": strings.Repeat("a", MaxPattern+1)}}, "pattern of 257 bytes"},
	} {
		if _, err := tc.f.Compile(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.f, err, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	f := Filter{Nodes: []string{"a", "b"}, Tags: map[string]string{"z": "1", "role": "web"}}
	if got := f.String(); got != "nodes=a,b tag:role=web tag:z=1" {
		t.Errorf("String() = %q", got)
	}
	if (Filter{}).String() != "all" {
		t.Error("zero filter")
	}
}
