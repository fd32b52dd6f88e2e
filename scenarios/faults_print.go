package scenarios

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Spec returns f in scenario syntax on one line, as YAML flow style: the fields in the
// order and with the duration text of Canonical, zero-valued optional fields left out:
//
//	{name: isolate-1, at: 10s, for: 5s, isolate: leader}
//
// It prints any Fault, valid or not, and a valid one parses back (as an entry of the
// faults section) to an equal Fault. The world prints each firing with it, its dynamic
// targets replaced by the nodes they resolved to.
func (f Fault) Spec() string {
	n := encodeValue(reflect.ValueOf(f))
	flow(n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(n); err != nil {
		// The node tree is built from plain strings and numbers; yaml.v3 cannot refuse it.
		panic(fmt.Sprintf("scenarios: encoding a fault spec: %v", err))
	}
	if err := enc.Close(); err != nil {
		panic(fmt.Sprintf("scenarios: encoding a fault spec: %v", err))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// String returns f.Spec().
func (f Fault) String() string { return f.Spec() }

// flow switches a node tree to flow style, on one line: block scalars, which flow style
// cannot hold, become double-quoted ones.
func flow(n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		n.Style = yaml.FlowStyle
		for _, c := range n.Content {
			flow(c)
		}
	case yaml.ScalarNode:
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.ContainsAny(n.Value, "\n\r") {
			n.Style = yaml.DoubleQuotedStyle
		}
	}
}

// keepZero keeps "write_latency: 0s" in the canonical form: the field is required, and
// 0s (free writes) is a meaningful value.
func (DiskFault) keepZero(key string) bool { return key == "write_latency" }
