// Package filter holds the Serf layer's two kinds of filter: which members a targeted user
// event or query is meant for (Filter: node names and tag patterns), and which events an
// event handler receives (EventFilter, Serf's "member-join,user:deploy" syntax). It
// imports only the standard library, so the host side (scenario validation, the
// checker) applies exactly the rules the nodes apply.
package filter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// MaxPattern bounds the length of one tag pattern: patterns travel in every copy of a
// gossiped message.
const MaxPattern = 256

// Filter selects members. The zero Filter selects every member.
type Filter struct {
	// Nodes, if not empty, lists the only members selected, by name.
	Nodes []string `json:"nodes,omitempty"`
	// Tags maps a tag name to a regular expression (RE2 syntax) that the member's value
	// of that tag must match in full: "server" matches only "server", "web-.*" matches
	// "web-1". A member without the tag is not selected. Serf matches unanchored; full
	// matches are harder to get wrong.
	Tags map[string]string `json:"tags,omitempty"`
}

// IsZero reports whether f selects every member.
func (f Filter) IsZero() bool { return len(f.Nodes) == 0 && len(f.Tags) == 0 }

// String renders f as "nodes=a,b tag:role=server", with tags in name order; "all" for the
// zero Filter.
func (f Filter) String() string {
	if f.IsZero() {
		return "all"
	}
	var parts []string
	if len(f.Nodes) > 0 {
		parts = append(parts, "nodes="+strings.Join(f.Nodes, ","))
	}
	for _, k := range sortedKeys(f.Tags) {
		parts = append(parts, fmt.Sprintf("tag:%s=%s", k, f.Tags[k]))
	}
	return strings.Join(parts, " ")
}

// Matcher is a compiled Filter. It is immutable and safe for concurrent use.
type Matcher struct {
	nodes map[string]bool
	tags  []tagPattern // sorted by name
}

type tagPattern struct {
	name string
	re   *regexp.Regexp
}

// Compile checks f's patterns and returns its Matcher.
func (f Filter) Compile() (*Matcher, error) {
	m := &Matcher{}
	if len(f.Nodes) > 0 {
		m.nodes = make(map[string]bool, len(f.Nodes))
		for _, n := range f.Nodes {
			if n == "" {
				return nil, fmt.Errorf("filter: empty node name")
			}
			m.nodes[n] = true
		}
	}
	for _, k := range sortedKeys(f.Tags) {
		expr := f.Tags[k]
		if k == "" {
			return nil, fmt.Errorf("filter: empty tag name")
		}
		if len(expr) > MaxPattern {
			return nil, fmt.Errorf("filter: tag %s: pattern of %d bytes, at most %d", k, len(expr), MaxPattern)
		}
		// Compiled alone first, so that an error quotes the pattern as written.
		if _, err := regexp.Compile(expr); err != nil {
			return nil, fmt.Errorf("filter: tag %s: %w", k, err)
		}
		re, err := regexp.Compile(`^(?:` + expr + `)$`)
		if err != nil {
			return nil, fmt.Errorf("filter: tag %s: %w", k, err)
		}
		m.tags = append(m.tags, tagPattern{k, re})
	}
	return m, nil
}

// Match reports whether the member called name, with the given tags, is selected. A nil
// Matcher selects every member.
func (m *Matcher) Match(name string, tags map[string]string) bool {
	if m == nil {
		return true
	}
	if m.nodes != nil && !m.nodes[name] {
		return false
	}
	for _, t := range m.tags {
		v, ok := tags[t.name]
		if !ok || !t.re.MatchString(v) {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
