package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Describe returns ev on one line of text, in the manner of etcd-raft's DescribeMessage:
// the time, the node, the type, then every other field the event sets as key=value, in the
// order of the stream's JSON. It is canonical (one event, one line) and made for diffs:
// golden described streams show a change of behaviour as lines that read, not as a hash.
//
//	12.003400000 server-1 raft_state state=leader term=2
//	12.010000000 fault_start name=cut kind=isolate targets=[server-1] spec="{name: cut, at: 12.01s, isolate: server-1}"
//
// Strings that are empty or hold spaces, quotes, '=' or brackets are quoted (Go syntax);
// lists print as [a b], objects as {k=v ...} without their zero numbers.
func (ev Event) Describe() string {
	raw, err := json.Marshal(ev)
	if err != nil {
		return fmt.Sprintf("%s %s (unprintable: %v)", ev.T, ev.Type, err)
	}
	var b strings.Builder
	b.WriteString(ev.T.String())
	if ev.Node != "" {
		b.WriteString(" " + ev.Node)
	}
	b.WriteString(" " + string(ev.Type))
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.Token() // {
	for dec.More() {
		k, _ := dec.Token()
		key := k.(string)
		var v any
		if err := decodeOrdered(dec, &v); err != nil {
			return fmt.Sprintf("%s %s (unprintable: %v)", ev.T, ev.Type, err)
		}
		if key == "t" || key == "type" || key == "node" {
			continue
		}
		b.WriteString(" " + key + "=")
		writeValue(&b, v)
	}
	return b.String()
}

// field is one key and value of a JSON object, in the order written.
type field struct {
	key string
	val any
}

// decodeOrdered reads the next JSON value, keeping objects' key order ([]field).
func decodeOrdered(dec *json.Decoder, out *any) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		var obj []field
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			var v any
			if err := decodeOrdered(dec, &v); err != nil {
				return err
			}
			obj = append(obj, field{k.(string), v})
		}
		dec.Token() // }
		*out = obj
	case json.Delim('['):
		list := []any{}
		for dec.More() {
			var v any
			if err := decodeOrdered(dec, &v); err != nil {
				return err
			}
			list = append(list, v)
		}
		dec.Token() // ]
		*out = list
	default:
		*out = tok
	}
	return nil
}

func writeValue(b *strings.Builder, v any) {
	switch v := v.(type) {
	case string:
		if v == "" || strings.ContainsAny(v, " \t\n\"'=[]{}") {
			b.WriteString(strconv.Quote(v))
		} else {
			b.WriteString(v)
		}
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeValue(b, x)
		}
		b.WriteByte(']')
	case []field:
		b.WriteByte('{')
		first := true
		for _, f := range v {
			if n, ok := f.val.(json.Number); ok && n == "0" {
				continue // counters that did not move (a tick's net) say nothing
			}
			if !first {
				b.WriteByte(' ')
			}
			first = false
			b.WriteString(f.key + "=")
			writeValue(b, f.val)
		}
		b.WriteByte('}')
	case nil:
		b.WriteString("null")
	default:
		fmt.Fprint(b, v)
	}
}
