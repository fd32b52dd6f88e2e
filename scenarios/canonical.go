package scenarios

import (
	"bytes"
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode"

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
	if err := enc.Encode(encodeValue(reflect.ValueOf(s).Elem())); err != nil {
		// The node tree is built from plain strings and numbers; yaml.v3 cannot refuse it.
		panic(fmt.Sprintf("scenarios: encoding canonical YAML: %v", err))
	}
	if err := enc.Close(); err != nil {
		panic(fmt.Sprintf("scenarios: encoding canonical YAML: %v", err))
	}
	return b.Bytes()
}

// zeroKeeper is implemented by types that have required fields whose zero value is
// meaningful, so Canonical must write them even when zero (a constant latency of 0s).
type zeroKeeper interface {
	keepZero(key string) bool
}

// keepZero reports whether the latency field key is required for l's distribution.
func (l Latency) keepZero(key string) bool {
	switch key {
	case "mean":
		return l.Dist == DistConstant || l.Dist == DistNormal || l.Dist == DistExponential
	case "min":
		return l.Dist == DistUniform
	}
	return false
}

var textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()

func encodeValue(v reflect.Value) *yaml.Node {
	if v.Type().Implements(textMarshalerType) {
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			panic(fmt.Sprintf("scenarios: %s.MarshalText: %v", v.Type(), err))
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(text)}
	}
	switch v.Kind() {
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keeper, _ := v.Interface().(zeroKeeper)
		keys, index := fieldKeys(v.Type())
		for _, key := range keys {
			f := v.Field(index[key])
			if f.IsZero() && (keeper == nil || !keeper.keepZero(key)) {
				continue
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, encodeValue(f))
		}
		return n
	case reflect.Map:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.String()}, encodeValue(v.MapIndex(k)))
		}
		return n
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for i := range v.Len() {
			n.Content = append(n.Content, encodeValue(v.Index(i)))
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		}
		return encodeValue(v.Elem())
	}
	if v.Kind() == reflect.String {
		return encodeString(v.String())
	}
	n := new(yaml.Node)
	if err := n.Encode(v.Interface()); err != nil {
		panic(fmt.Sprintf("scenarios: encoding %s: %v", v.Type(), err))
	}
	return n
}

// encodeString picks a style yaml.v3 writes back faithfully: a literal block for plain
// multi-line text, double quotes (which escape anything) for text with tabs, control
// characters or edge spaces, and otherwise the emitter's choice of plain or quoted.
// yaml.v3 left to itself writes some strings (a leading tab in a block) it cannot read.
func encodeString(s string) *yaml.Node {
	s = strings.ToValidUTF8(s, "\uFFFD") // only a Go-built scenario can hold invalid UTF-8
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	plain := s != ""
	for _, line := range lines {
		if line == "" || strings.TrimSpace(line) != line {
			plain = false
		}
		for _, r := range line {
			if !unicode.IsPrint(r) || r == '\u00a0' || r == '\ufeff' {
				plain = false
			}
		}
	}
	switch {
	case !plain:
		n.Style = yaml.DoubleQuotedStyle
	case len(lines) > 1:
		n.Style = yaml.LiteralStyle
	}
	return n
}
