package scenarios

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The scenario as a tree of plain values, in the canonical order and styles: what both
// printers write, Canonical (block YAML, host side, canonical.go) and Spec (one line of
// flow YAML, which the world prints in the stream, spec.go). Building it needs no YAML
// library, so the guest does not link one.

// valueKind is the kind of a value: a scalar, a mapping or a sequence.
type valueKind int

const (
	scalarValue valueKind = iota
	mapValue
	listValue
)

// scalarStyle is how a scalar is written.
type scalarStyle int

const (
	plainStyle   scalarStyle = iota // as is: a number, a bool, a name
	quotedStyle                     // double-quoted: a string that plain would misread
	literalStyle                    // a literal block: plain multi-line text (block YAML only)
)

// value is one node of the tree.
type value struct {
	kind   valueKind
	text   string      // a scalar's text
	str    bool        // a scalar that is a string (not a number, bool or null)
	style  scalarStyle // a scalar's style
	keys   []string    // a mapping's keys, in order
	items  []value     // a mapping's values (one per key) or a sequence's items
	isNull bool        // the null scalar (a nil pointer)
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

// encodeValue builds the tree of v: struct fields in declaration order under their yaml
// keys, zero-valued ones left out (but for those a zeroKeeper keeps), map keys sorted,
// text marshalers (durations) as their text.
func encodeValue(v reflect.Value) value {
	if v.Type().Implements(textMarshalerType) {
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			panic(fmt.Sprintf("scenarios: %s.MarshalText: %v", v.Type(), err))
		}
		return encodeString(string(text))
	}
	switch v.Kind() {
	case reflect.Struct:
		n := value{kind: mapValue}
		keeper, _ := v.Interface().(zeroKeeper)
		keys, index := fieldKeys(v.Type())
		for i, key := range keys {
			f := v.Field(index[i])
			if f.IsZero() && (keeper == nil || !keeper.keepZero(key)) {
				continue
			}
			n.keys, n.items = append(n.keys, key), append(n.items, encodeValue(f))
		}
		return n
	case reflect.Map:
		n := value{kind: mapValue}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			n.keys, n.items = append(n.keys, k.String()), append(n.items, encodeValue(v.MapIndex(k)))
		}
		return n
	case reflect.Slice:
		n := value{kind: listValue}
		for i := range v.Len() {
			n.items = append(n.items, encodeValue(v.Index(i)))
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return value{text: "null", isNull: true}
		}
		return encodeValue(v.Elem())
	case reflect.String:
		return encodeString(v.String())
	case reflect.Bool:
		return value{text: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return value{text: strconv.FormatInt(v.Int(), 10)}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return value{text: strconv.FormatUint(v.Uint(), 10)}
	case reflect.Float32, reflect.Float64:
		return value{text: formatFloat(v.Float())}
	}
	panic(fmt.Sprintf("scenarios: cannot encode a %s", v.Type()))
}

// formatFloat writes a float as YAML reads it back: shortest exact text, YAML's
// spelling of infinities and NaN.
func formatFloat(f float64) string {
	switch s := strconv.FormatFloat(f, 'g', -1, 64); s {
	case "+Inf":
		return ".inf"
	case "-Inf":
		return "-.inf"
	case "NaN":
		return ".nan"
	default:
		return s
	}
}

// encodeString picks a style a YAML parser reads back faithfully: a literal block for
// plain multi-line text, double quotes (which escape anything) for text with tabs,
// control characters or edge spaces, or that plain would read as something else, and
// plain otherwise.
func encodeString(s string) value {
	s = strings.ToValidUTF8(s, "\uFFFD") // only a Go-built scenario can hold invalid UTF-8
	n := value{text: s, str: true}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	printable := s != ""
	for _, line := range lines {
		if line == "" || strings.TrimSpace(line) != line {
			printable = false
		}
		for _, r := range line {
			if !unicode.IsPrint(r) || r == '\u00a0' || r == '\ufeff' {
				printable = false
			}
		}
	}
	switch {
	case !printable:
		n.style = quotedStyle
	case len(lines) > 1:
		n.style = literalStyle
	case !plainSafe(s):
		n.style = quotedStyle
	}
	return n
}

// plainSafe reports whether s can be written plain, in block and in flow context, and read
// back as the same string: it starts with a letter, digit or '_', holds only letters,
// digits, spaces and "_-./+", and does not read as a number, bool, null or date.
func plainSafe(s string) bool {
	for i, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '_':
		case i > 0 && (r == '-' || r == '.' || r == '/' || r == '+' || r == ' '):
		default:
			return false
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "null", ".inf", ".nan":
		return false
	}
	clean := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseFloat(clean, 64); err == nil {
		return false
	}
	if _, err := strconv.ParseInt(clean, 0, 64); err == nil {
		return false
	}
	return !looksLikeDate(s)
}

// looksLikeDate reports whether s starts like a YAML timestamp: 2001-12-14.
func looksLikeDate(s string) bool {
	y, rest, ok := strings.Cut(s, "-")
	if !ok || len(y) != 4 {
		return false
	}
	for _, r := range y {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9'
}

// fieldKeys returns the yaml keys of a struct's exported fields in declaration order, and
// the index of each field (index[i] for keys[i]). Not a map: making one draws on the
// runtime's random source (see schedule.go).
func fieldKeys(t reflect.Type) (keys []string, index []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "-" {
			continue
		}
		if key == "" {
			key = strings.ToLower(f.Name)
		}
		keys, index = append(keys, key), append(index, i)
	}
	return keys, index
}
