package serf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// The wire format of the Serf layer's messages is our own, small and strict: a message
// type byte, then fields in a fixed order, integers as unsigned varints, byte strings
// and strings as a varint length and the bytes. Encoding is deterministic (maps are
// written in key order), so two nodes that encode the same message send the same bytes.

// errTruncated is the decoder's error for a message that ends too soon.
var errTruncated = errors.New("message truncated")

// encoder appends fields to a buffer.
type encoder struct{ b []byte }

func (e *encoder) u8(v byte)        { e.b = append(e.b, v) }
func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) ltime(v LamportTime) {
	e.uvarint(uint64(v))
}
func (e *encoder) bytes(p []byte) { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }
func (e *encoder) str(s string)   { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *encoder) boolean(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}

func (e *encoder) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// strMap writes a map in key order.
func (e *encoder) strMap(m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.str(m[k])
	}
}

// decoder reads fields in the order an encoder wrote them. The first problem sticks: later
// reads return zero values, and err says what went wrong.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *decoder) u8() byte {
	if len(d.b) < 1 {
		d.fail(errTruncated)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) ltime() LamportTime { return LamportTime(d.uvarint()) }

// count reads a length or element count, which can never exceed the bytes left (every
// element takes at least one byte).
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(fmt.Errorf("length %d exceeds the %d bytes left", n, len(d.b)))
		return 0
	}
	return int(n)
}

// bytes returns a copy: the buffer a message arrives in is reused by memberlist.
func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	if n == 0 {
		return nil
	}
	v := slices.Clone(d.b[:n])
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	v := string(d.b[:n])
	d.b = d.b[n:]
	return v
}

func (d *decoder) boolean() bool {
	switch d.u8() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail(errors.New("bad boolean"))
	return false
}

func (d *decoder) strs() []string {
	n := d.count()
	if d.err != nil || n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		out = append(out, d.str())
	}
	return out
}

func (d *decoder) strMap() map[string]string {
	n := d.count()
	if d.err != nil || n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

// finish returns the first error, or an error if bytes are left over: a message is
// exactly what its type says.
func (d *decoder) finish() error {
	if d.err == nil && len(d.b) > 0 {
		d.err = fmt.Errorf("%d unexpected bytes after the message", len(d.b))
	}
	return d.err
}
