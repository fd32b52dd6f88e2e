//go:build !wasip1

package scenarios

import (
	"fmt"
	"reflect"
	"strings"
)

// File is a YAML file of another kind than a scenario (a benchmark matrix, say), decoded
// with the scenario format's rules (general rules in docs/scenarios.md: strict keys with
// suggestions, no guessed types, durations and rates as text, no aliases) so that its
// errors read like a scenario's: FILE:LINE:COL: FIELD: what is wrong and what is allowed.
type File struct {
	name string
	d    *decoder
}

// DecodeFile decodes data, the text of the file filename (used only in messages), into
// v, a pointer to a struct whose fields have yaml tags; what the file, a field or a
// section is for is said in what describes, like "a benchmark matrix", when the file is
// empty. Fields the file leaves out keep the value v had. It returns the File, to place
// further errors, and an *ErrorList of every problem found while decoding, or nil.
func DecodeFile(filename, describes string, data []byte, v any) (*File, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("scenarios: DecodeFile into %T, not a pointer to a struct", v))
	}
	f := &File{name: filename, d: newDecoder(filename)}
	root, syntaxErr := parseYAML(filename, data)
	if syntaxErr != nil {
		if syntaxErr.Msg == emptyFile {
			syntaxErr.Msg = "file is empty: it should hold " + describes
		}
		return f, &ErrorList{Errs: []*FieldError{syntaxErr}}
	}
	f.d.decode(nil, root, rv.Elem(), "")
	return f, (&ErrorList{Errs: f.d.errs}).sorted()
}

// Written reports whether the field at path (dotted, with [i] for list items, as in
// error messages) was written in the file.
func (f *File) Written(path string) bool { return f.d.written(path) }

// Bad reports whether the value at path, or a section holding it, could not be decoded
// (an error says so already).
func (f *File) Bad(path string) bool {
	c := &validator{doc: f.d}
	return c.broken(path)
}

// Errorf returns a problem with the field at path, placed at that field, or at the
// nearest section holding it that was written.
func (f *File) Errorf(path, format string, args ...any) *FieldError {
	line, col := f.d.pos(path)
	return &FieldError{File: f.name, Line: line, Col: col, Field: path, Msg: fmt.Sprintf(format, args...)}
}

// Flow returns v, a scenario value or any struct with yaml tags built from them, as one
// line of YAML flow style, as Fault.Spec prints a fault: fields in declaration order,
// zero-valued optional fields left out, durations as Go duration text.
//
//	{name: wan, network: {latency: {dist: constant, mean: 50ms}}}
func Flow(v any) string {
	var b strings.Builder
	writeFlow(&b, encodeValue(reflect.ValueOf(v)))
	return b.String()
}
