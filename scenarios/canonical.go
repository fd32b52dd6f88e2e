//go:build !wasip1

package scenarios

import (
	"bytes"
	"fmt"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// Canonical returns s as scenario-file text in a canonical form: fields in the order of
// the Go types (which is the order of the documentation), zero-valued optional fields left
// out, durations as Go duration text ("1m0s", "500µs"), two-space indentation, no comments.
// Two equal scenarios give equal bytes, and for a valid scenario Parse(Canonical(s)) gives
// back s. A run writes it next to its output so that the run can be repeated exactly.
func (s *Scenario) Canonical() []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(encodeValue(reflect.ValueOf(s).Elem()))); err != nil {
		// The node tree is built from plain strings and numbers; yaml.v3 cannot refuse it.
		panic(fmt.Sprintf("scenarios: encoding canonical YAML: %v", err))
	}
	if err := enc.Close(); err != nil {
		panic(fmt.Sprintf("scenarios: encoding canonical YAML: %v", err))
	}
	return b.Bytes()
}

// yamlNode turns a value tree (value.go) into yaml.v3's, with its styles.
func yamlNode(v value) *yaml.Node {
	switch v.kind {
	case mapValue:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for i, k := range v.keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, yamlNode(v.items[i]))
		}
		return n
	case listValue:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, it := range v.items {
			n.Content = append(n.Content, yamlNode(it))
		}
		return n
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: v.text}
	switch {
	case v.isNull:
		n.Tag = "!!null"
	case v.str:
		n.Tag = "!!str"
		switch v.style {
		case quotedStyle:
			n.Style = yaml.DoubleQuotedStyle
		case literalStyle:
			n.Style = yaml.LiteralStyle
		}
	}
	return n
}

// GoString returns the canonical text, so that %#v (rapid's log of a drawn scenario,
// say) prints a scenario a person can read and paste into a file.
func (s *Scenario) GoString() string { return "\n" + string(s.Canonical()) }
