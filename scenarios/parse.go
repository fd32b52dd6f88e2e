//go:build !wasip1

package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize bounds a scenario file. Real ones are a few kilobytes.
const MaxFileSize = 1 << 20

// emptyFile is the error of a file with no YAML document.
const emptyFile = "file is empty: a scenario needs at least name, duration and cluster"

// Parse decodes a scenario file strictly, applies defaults and validates it. filename is
// used only in error messages. On failure it returns nil and an *ErrorList holding every
// problem found (unknown fields, wrong types, bad values, missing or duplicate fields),
// sorted by position; a YAML syntax error stops decoding and is reported alone.
func Parse(filename string, data []byte) (*Scenario, error) {
	root, syntaxErr := parseYAML(filename, data)
	if syntaxErr != nil {
		return nil, &ErrorList{Errs: []*FieldError{syntaxErr}}
	}
	d := newDecoder(filename)
	s := new(Scenario)
	d.decode(nil, root, reflect.ValueOf(s).Elem(), "")
	// Validate before applying defaults: the rules must see a written "seed: 0" as 0.
	c := &validator{file: filename, doc: d}
	c.errs.Errs = d.errs
	c.run(s)
	if err := c.errs.sorted(); err != nil {
		return nil, err
	}
	s.ApplyDefaults()
	return s, nil
}

// parseYAML returns the root node of the file's single YAML document, or a file-level
// error.
func parseYAML(filename string, data []byte) (*yaml.Node, *FieldError) {
	fileErr := func(line, col int, format string, args ...any) *FieldError {
		return &FieldError{File: filename, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxFileSize {
		return nil, fileErr(1, 1, "file is %d bytes; scenario files are limited to %d", len(data), MaxFileSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, fileErr(1, 1, "%s", emptyFile)
	} else if err != nil {
		return nil, syntaxError(filename, data, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, fileErr(next.Line, next.Column, "a scenario file holds one YAML document; this is a second one")
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(filename, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, fileErr(1, 1, "file holds no YAML document")
	}
	return doc.Content[0], nil
}

var (
	yamlLineRE   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlParserProblems are the messages of yaml.v3's parser (as opposed to its scanner). The
// parser reports a 0-based line, the scanner a 1-based one.
var yamlParserProblems = []string{
	"did not find expected",
	"found undefined tag handle",
	"found duplicate %",
	"found incompatible YAML document",
}

// syntaxError turns a yaml.v3 parse error into a FieldError. yaml.v3 gives a line but no
// column; the column is then 1.
func syntaxError(filename string, data []byte, err error) *FieldError {
	msg := err.Error()
	line, col := 1, 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		for _, p := range yamlParserProblems {
			if strings.HasPrefix(msg, p) {
				line++
				break
			}
		}
	} else if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("alias *%s refers to no anchor &%s", m[1], m[1])
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = 1 + bytes.Count(data[:i], []byte("\n"))
			col = 1 + len([]rune(string(data[bytes.LastIndexByte(data[:i], '\n')+1:i])))
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	// A tab where YAML wants indentation is the commonest cause of that error, and the
	// message does not say so.
	if lines := bytes.Split(data, []byte("\n")); line-1 < len(lines) {
		if i := bytes.IndexByte(lines[line-1], '\t'); i >= 0 && strings.Contains(msg, "cannot start any token") {
			col = 1 + i
			msg += ": a tab; YAML indents with spaces only"
		}
	}
	return &FieldError{File: filename, Line: line, Col: col, Msg: "YAML syntax error: " + msg}
}
