package scenarios

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checker collects validation errors. It validates either a Scenario decoded from a file
// (doc is set: errors carry positions, and "written" means written in the file) or one
// built in Go (doc is nil: errors carry only paths, and "written" means non-zero).
// The rules themselves, in rules.go, do not know which.
type checker struct {
	errs ErrorList
	file string
	doc  *decoder
}

// has reports whether the field at path was given. For a file this is whether the key
// was written; for a Go value it is set, which the rule computes from the value: usually
// "is non-zero", or true for a required field whose zero value is meaningful (a constant
// latency of 0s), since Go cannot tell that zero from an omission.
func (c *checker) has(path string, set bool) bool {
	if c.doc == nil {
		return set
	}
	_, ok := c.doc.nodes[path]
	return ok
}

// broken reports whether path or one of its parents could not be decoded, in which case
// the decoder has already said so and the rules stay quiet.
func (c *checker) broken(path string) bool {
	if c.doc == nil {
		return false
	}
	for {
		if c.doc.bad[path] {
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
func (c *checker) brokenUnder(path string) bool {
	if c.broken(path) {
		return true
	}
	if c.doc == nil {
		return false
	}
	for p := range c.doc.bad {
		if strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

// unknownKeyIn reports whether the mapping at path held a key that is not a field, which
// the decoder has reported with a suggestion.
func (c *checker) unknownKeyIn(path string) bool {
	return c.doc != nil && c.doc.unknown[path]
}

// errorf records a problem with the field at path.
func (c *checker) errorf(path, format string, args ...any) {
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
func (c *checker) missing(path string) {
	c.errorf(path, "required field is missing")
}

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

// parent returns the path of the mapping or list that holds path ("" for a top-level
// field).
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}
