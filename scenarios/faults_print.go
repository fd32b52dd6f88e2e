package scenarios

import (
	"reflect"
	"strconv"
	"strings"
)

// Spec returns f in scenario syntax on one line, as YAML flow style: the fields in the
// order and with the duration text of Canonical, zero-valued optional fields left out:
//
//	{name: isolate-1, at: 10s, for: 5s, isolate: leader}
//
// It prints any Fault, valid or not, and a valid one parses back (as an entry of the
// faults section) to an equal Fault. The world prints each firing with it, its dynamic
// targets replaced by the nodes they resolved to; it needs no YAML library.
func (f Fault) Spec() string {
	var b strings.Builder
	writeFlow(&b, encodeValue(reflect.ValueOf(f)))
	return b.String()
}

// String returns f.Spec().
func (f Fault) String() string { return f.Spec() }

// writeFlow writes v as YAML flow style: {k: v, ...}, [a, ...], scalars plain or
// double-quoted (a literal block's text is quoted: flow style cannot hold blocks).
func writeFlow(b *strings.Builder, v value) {
	switch v.kind {
	case mapValue:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFlow(b, encodeString(k))
			b.WriteString(": ")
			writeFlow(b, v.items[i])
		}
		b.WriteByte('}')
	case listValue:
		b.WriteByte('[')
		for i, it := range v.items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFlow(b, it)
		}
		b.WriteByte(']')
	default:
		if v.str && v.style != plainStyle {
			b.WriteString(strconv.Quote(v.text))
		} else {
			b.WriteString(v.text)
		}
	}
}

// keepZero keeps "write_latency: 0s" in the canonical form: the field is required, and
// 0s (free writes) is a meaningful value.
func (DiskFault) keepZero(key string) bool { return key == "write_latency" }
