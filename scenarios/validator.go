package scenarios

import (
	"fmt"
	"strings"
)

// validator collects validation errors. It validates either a Scenario decoded from a file
// (doc is set: errors carry positions, and "written" means written in the file) or one
// built in Go (doc is nil: errors carry only paths, and "written" means non-zero).
// The rules themselves, in rules.go, do not know which.
type validator struct {
	errs ErrorList
	file string
	doc  document
}

// document is what the validator knows of the file a scenario was decoded from: which
// fields were written, which could not be decoded, and where each is. The YAML decoder
// (decode.go, host side) is the one implementation; validation itself needs no YAML.
type document interface {
	// written reports whether the field at path was written in the file.
	written(path string) bool
	// bad reports whether the value at path itself could not be decoded.
	bad(path string) bool
	// badUnder reports whether something under path could not be decoded.
	badUnder(path string) bool
	// unknownKeyIn reports whether the mapping at path held a key that is not a field.
	unknownKeyIn(path string) bool
	// pos returns the line and column to point at for a problem with path.
	pos(path string) (line, col int)
}

// has reports whether the field at path was given. For a file this is whether the key
// was written; for a Go value it is set, which the rule computes from the value: usually
// "is non-zero", or true for a required field whose zero value is meaningful (a constant
// latency of 0s), since Go cannot tell that zero from an omission.
func (c *validator) has(path string, set bool) bool {
	if c.doc == nil {
		return set
	}
	return c.doc.written(path)
}

// broken reports whether path or one of its parents could not be decoded, in which case
// the decoder has already said so and the rules stay quiet.
func (c *validator) broken(path string) bool {
	if c.doc == nil {
		return false
	}
	for {
		if c.doc.bad(path) {
			return true
		}
		if path == "" {
			return false
		}
		path = parent(path)
	}
}

// brokenUnder reports whether path, one of its parents or anything under it could not
// be decoded.
func (c *validator) brokenUnder(path string) bool {
	if c.broken(path) {
		return true
	}
	return c.doc != nil && c.doc.badUnder(path)
}

// unknownKeyIn reports whether the mapping at path held a key that is not a field, which
// the decoder has reported with a suggestion.
func (c *validator) unknownKeyIn(path string) bool {
	return c.doc != nil && c.doc.unknownKeyIn(path)
}

// errorf records a problem with the field at path.
func (c *validator) errorf(path, format string, args ...any) {
	if c.broken(path) {
		return
	}
	e := &FieldError{Field: path, Msg: fmt.Sprintf(format, args...)}
	if c.doc != nil {
		e.File = c.file
		e.Line, e.Col = c.doc.pos(path)
	}
	c.errs.Errs = append(c.errs.Errs, e)
}

// missing records a required field that was not given. In a file it points at the
// mapping the field belongs in.
func (c *validator) missing(path string) {
	c.errorf(path, "required field is missing")
}

// parent returns the path of the mapping or list that holds path ("" for a top-level
// field).
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}
