//go:build !wasip1

package scenarios

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decoder fills Go values from a yaml.Node tree, guided by the yaml tags of the target
// types. It records every problem and keeps going, so that one pass reports all of them,
// and it remembers where each field was written so that validation can point at it.
//
// It handles structs (mappings with a fixed set of keys), map[string]T, slices, pointers,
// strings, booleans, integers, floats and any type whose pointer implements
// encoding.TextUnmarshaler (Duration). A new field or section of one of these kinds needs
// no change here.
type decoder struct {
	file string
	errs []*FieldError
	// nodes holds every path written in the file, with its key (nil for the root and for
	// list items) and value nodes.
	nodes map[string]place
	// badPaths holds the paths whose value could not be decoded; validation stays quiet about
	// them and everything under them, so that one mistake gives one error.
	badPaths map[string]bool
	// unknown holds the paths of mappings that held an unknown key, so that a rule can
	// stay quiet about a missing field that is probably the misspelled key.
	unknown map[string]bool
}

type place struct{ key, val *yaml.Node }

func newDecoder(file string) *decoder {
	return &decoder{file: file, nodes: map[string]place{}, badPaths: map[string]bool{}, unknown: map[string]bool{}}
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

// errorAt records a problem at node n.
func (d *decoder) errorAt(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, &FieldError{File: d.file, Line: n.Line, Col: n.Column, Field: path, Msg: fmt.Sprintf(format, args...)})
}

// fail records a problem with the value at path and marks the path as bad.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.badPaths[path] = true
	d.errorAt(n, path, format, args...)
}

func (d *decoder) typeError(n *yaml.Node, path string, t reflect.Type) {
	msg := fmt.Sprintf("expected %s, found %s", describeType(t), describeNode(n))
	if t.Kind() == reflect.String && n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		msg += " (put it in quotes to make it a string)"
	}
	d.fail(n, path, "%s", msg)
}

// decode stores the value of node n (written under key, nil if none) into v.
func (d *decoder) decode(key, n *yaml.Node, v reflect.Value, path string) {
	d.nodes[path] = place{key: key, val: n}
	if n.Kind == yaml.AliasNode {
		d.fail(n, path, "aliases (*%s) are not supported in scenario files: write the value out", n.Value)
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		d.typeError(n, path, v.Type())
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshalerType) {
		d.decodeText(n, v.Addr().Interface().(encoding.TextUnmarshaler), v.Type(), path)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		d.decode(key, n, elem.Elem(), path)
		v.Set(elem)
	default:
		d.decodeScalar(n, v, path)
	}
}

func (d *decoder) decodeText(n *yaml.Node, u encoding.TextUnmarshaler, t reflect.Type, path string) {
	// "0" and "60" are integers to YAML; UnmarshalText accepts the first and explains
	// the missing unit of the second better than a type error would.
	if tag := n.ShortTag(); n.Kind != yaml.ScalarNode || (tag != "!!str" && tag != "!!int" && tag != "!!float") {
		d.typeError(n, path, t)
		return
	}
	if err := u.UnmarshalText([]byte(n.Value)); err != nil {
		d.fail(n, path, "%s", err.Error())
	}
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode {
		d.typeError(n, path, v.Type())
		return
	}
	switch v.Kind() {
	case reflect.String:
		if tag != "!!str" {
			d.typeError(n, path, v.Type())
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if tag != "!!bool" || n.Decode(&b) != nil {
			d.typeError(n, path, v.Type())
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if !d.integerText(n, v.Type(), path) {
			return
		}
		if n.Decode(&i) != nil || v.OverflowInt(i) {
			d.fail(n, path, "integer %s is too large", n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var u uint64
		if !d.integerText(n, v.Type(), path) {
			return
		}
		if n.Decode(&u) != nil || v.OverflowUint(u) {
			d.fail(n, path, "expected an integer from 0 to %d, found %s", ^uint64(0)>>(64-v.Type().Bits()), n.Value)
			return
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		var f float64
		if (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil {
			d.typeError(n, path, v.Type())
			return
		}
		if math.IsNaN(f) || math.IsInf(f, 0) || v.OverflowFloat(f) {
			d.fail(n, path, "expected a finite number, found %s", n.Value)
			return
		}
		v.SetFloat(f)
	default:
		// A Go type the scenario format cannot express: a bug in the types, not the file.
		d.fail(n, path, "internal error: cannot decode into Go type %s", v.Type())
	}
}

// integerText reports whether n is written as an integer, and reports it if not. Text
// with a leading zero, like 010, is refused: yaml.v3 reads it as octal (8), which nobody
// writing a server count means.
func (d *decoder) integerText(n *yaml.Node, t reflect.Type, path string) bool {
	if n.ShortTag() != "!!int" {
		d.typeError(n, path, t)
		return false
	}
	s := strings.TrimLeft(n.Value, "+-")
	if len(s) > 1 && s[0] == '0' && (s[1] >= '0' && s[1] <= '9' || s[1] == '_') {
		d.fail(n, path, "%s has a leading zero, which YAML reads as octal; write it without the zero (or as 0o... for octal)", n.Value)
		return false
	}
	return true
}

// pairs walks the key/value pairs of a mapping node, reporting keys that are not plain
// strings and duplicate keys, and calls fn for the others.
func (d *decoder) pairs(n *yaml.Node, path string, fn func(key, val *yaml.Node)) {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge":
			d.errorAt(k, path, "merge keys (<<) are not supported in scenario files: write the fields out")
			continue
		case k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str":
			d.errorAt(k, path, "keys must be field names, found %s", describeNode(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorAt(k, join(path, k.Value), "duplicate key %q (first written at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		fn(k, val)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, v.Type())
		return
	}
	keys, index := fieldKeys(v.Type())
	d.pairs(n, path, func(k, val *yaml.Node) {
		at := slices.Index(keys, k.Value)
		if at < 0 {
			d.unknown[path] = true
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if s := suggest(k.Value, keys); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			where := "at the top level"
			if path != "" {
				where = "in " + path
			}
			d.errorAt(k, join(path, k.Value), "%s; allowed %s: %s", msg, where, strings.Join(keys, ", "))
			return
		}
		d.decode(k, val, v.Field(index[at]), join(path, k.Value))
	})
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode || v.Type().Key().Kind() != reflect.String {
		d.typeError(n, path, v.Type())
		return
	}
	m := reflect.MakeMap(v.Type())
	d.pairs(n, path, func(k, val *yaml.Node) {
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(k, val, elem, join(path, k.Value))
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), elem)
	})
	v.Set(m)
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.typeError(n, path, v.Type())
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(nil, item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

// join appends a key to a dotted path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describeType says in words what a value of type t looks like in a file.
func describeType(t reflect.Type) string {
	if t == reflect.TypeFor[Duration]() {
		return "a duration (like 500ms or 10s)"
	}
	if t == reflect.TypeFor[Rate]() {
		return "a rate (like 50/s or 30/m)"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return t.String()
}

// describeNode says in words what was written in the file.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	val := n.Value
	if len(val) > 40 {
		val = val[:37] + "..."
	}
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("string %q", val)
	case "!!int":
		return "integer " + val
	case "!!float":
		return "number " + val
	case "!!bool":
		return "boolean " + val
	case "!!null":
		if n.Value == "" {
			return "nothing (the value is empty)"
		}
		return "null"
	case "!!timestamp":
		return "timestamp " + val
	}
	return fmt.Sprintf("a value tagged %s", n.ShortTag())
}

// suggest returns the allowed key closest to a misspelled one, or "" if none is close.
func suggest(got string, allowed []string) string {
	best, bestDist := "", len(got)/3+2
	for _, a := range allowed {
		if strings.EqualFold(a, got) {
			return a
		}
		if dist := editDistance(got, a); dist < bestDist {
			best, bestDist = a, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return math.MaxInt // not a typo of a field name; also bounds the work
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// The decoder is the document the validator checks against (check.go).

func (d *decoder) written(path string) bool {
	_, ok := d.nodes[path]
	return ok
}

func (d *decoder) bad(path string) bool { return d.badPaths[path] }

func (d *decoder) badUnder(path string) bool {
	for p := range d.badPaths {
		if strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

func (d *decoder) unknownKeyIn(path string) bool { return d.unknown[path] }

// pos returns where to point for a problem with path: at a scalar value itself, at the
// key of a mapping or list, and for a path that is not in the file at the key of its
// nearest parent that is (the root mapping for a missing top-level field).
func (d *decoder) pos(path string) (line, col int) {
	for p := path; ; p = parent(p) {
		pl, ok := d.nodes[p]
		if ok {
			n := pl.val
			if pl.key != nil && (p != path || n.Kind != yaml.ScalarNode) {
				n = pl.key
			}
			return n.Line, n.Column
		}
		if p == "" {
			return 1, 1
		}
	}
}
