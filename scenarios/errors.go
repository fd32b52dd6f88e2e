package scenarios

import (
	"fmt"
	"sort"
	"strings"
)

// FieldError is one problem found in a scenario.
//
// Errors found in a file carry the file name and a 1-based line and column. Errors found by
// Validate on a Scenario built in Go carry only the field path.
type FieldError struct {
	// File is the name the file was given to Parse ("builtin:NAME" for built-ins); empty
	// when the error comes from Validate.
	File string
	// Line and Col are 1-based; 0 when the error comes from Validate.
	Line, Col int
	// Field is the dotted path of the field, like cluster.servers or network.latency.mean;
	// empty for problems with the file as a whole (syntax errors, an empty file).
	Field string
	// Msg says what is wrong and what is allowed.
	Msg string
}

// Error returns "FILE:LINE:COL: FIELD: MSG". FIELD and its colon are left out when Field
// is empty; "FILE:LINE:COL: " is left out when the error has no position.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" || e.Line != 0 {
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Col)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in one scenario, sorted by position. Parse and Validate
// return a non-empty *ErrorList or nil, never an empty list.
type ErrorList struct {
	Errs []*FieldError
}

// Error returns one error per line.
func (l *ErrorList) Error() string {
	lines := make([]string, len(l.Errs))
	for i, e := range l.Errs {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual errors, so errors.As can find a *FieldError.
func (l *ErrorList) Unwrap() []error {
	errs := make([]error, len(l.Errs))
	for i, e := range l.Errs {
		errs[i] = e
	}
	return errs
}

// sorted orders the errors by line and column, keeping the order in which errors at the
// same position were found, and returns nil for an empty list.
func (l *ErrorList) sorted() error {
	if len(l.Errs) == 0 {
		return nil
	}
	sort.SliceStable(l.Errs, func(i, j int) bool {
		a, b := l.Errs[i], l.Errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return l
}
